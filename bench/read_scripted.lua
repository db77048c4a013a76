-- wrk script: signed-in readers whose page's script runs, as a mix of page views
-- and the requests their script makes for them (bench/cluster_bench.py writes the
-- mix): BENCH_VIEWS is a file of "path<TAB>Cookie header" lines, sent in turn;
-- the other headers come from wrk's -H. No response(), as in read.lua.
local paths, cookies = {}, {}
for line in io.lines(os.getenv("BENCH_VIEWS")) do
  local path, cookie = line:match("^([^\t]+)\t(.*)$")
  paths[#paths + 1] = path
  cookies[#cookies + 1] = cookie
end
local turn = 0

function request()
  turn = turn % #paths + 1
  wrk.headers["Cookie"] = cookies[turn]
  return wrk.format(nil, paths[turn])
end
