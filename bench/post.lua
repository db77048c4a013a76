-- wrk script: POST prepared comment forms, each once, from many addresses.
-- BENCH_POSTS names a file with one urlencoded form per line; BENCH_COOKIE and
-- BENCH_PATH say where and as whom. Threads take interleaved lines, from line
-- BENCH_OFFSET on, so that runs one after the other post different forms.
-- BENCH_ORIGIN, the site's origin, is sent as a browser posting from the page
-- sends it (Origin, Sec-Fetch-Site): what a form without a CSRF token is
-- judged by.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  forms = {}
  for line in io.lines(os.getenv("BENCH_POSTS")) do forms[#forms + 1] = line end
  step = tonumber(os.getenv("BENCH_THREADS"))
  index = id + tonumber(os.getenv("BENCH_OFFSET") or "0")
  path = os.getenv("BENCH_PATH")
  cookie = os.getenv("BENCH_COOKIE")
  origin = os.getenv("BENCH_ORIGIN")
end

function request()
  index = index + step
  local n = index % #forms + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = string.format(
      "10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256),
  }
  if origin and origin ~= "" then
    headers["Origin"] = origin
    headers["Sec-Fetch-Site"] = "same-origin"
  end
  return wrk.format("POST", path, headers, forms[n])
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      io.write(string.format("status %d: %d\n", status, count))
    end
  end
end
