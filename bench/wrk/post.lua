-- POST to the URL's path on every request, with a JSON body (the first argument after
-- `--`, "{}" when none is given); the bearer token comes with `-H` as in report.lua.
-- Prints the same WRK_JSON line as report.lua after the run.
function init(args)
  wrk.method = "POST"
  wrk.body = args[1] or "{}"
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
