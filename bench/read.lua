-- wrk script: GET the page as several signed-in readers in turn, each request
-- with the next Cookie header of BENCH_COOKIES (a file, one a line); the other
-- headers come from wrk's -H. No response() here: wrk would then copy every
-- answer's body into Lua, a cost the other readers' runs don't carry.
local cookies = {}
for line in io.lines(os.getenv("BENCH_COOKIES")) do cookies[#cookies + 1] = line end
local turn = 0

function request()
  turn = turn + 1
  wrk.headers["Cookie"] = cookies[turn % #cookies + 1]
  return wrk.format()
end
