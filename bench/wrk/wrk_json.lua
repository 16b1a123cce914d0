-- The one line every bench script prints after a wrk run, parsed by bench/http_load.py's
-- `run_wrk`: requests, errors by kind, latency percentiles (microseconds).
-- Loaded with dofile() from the script's own folder (see report.lua, tokens.lua).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
