-- Prints one JSON line after the run: requests, errors, latency percentiles (microseconds).
-- With arguments after `--` (customer ids), each request asks for the next id in turn
-- (each thread starts at a different place in the list).
local ids = {}
local position = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 37)
end

function init(args)
  for _, id in ipairs(args) do
    ids[#ids + 1] = id
  end
  if #ids > 0 then
    position = (offset or 0) % #ids
  end
end

function request()
  if #ids == 0 then
    return wrk.format()
  end
  position = position % #ids + 1
  return wrk.format(nil, "/customers/" .. ids[position])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
