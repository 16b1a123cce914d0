-- One request after another to the URL's path: `-- METHOD BODY [TOKEN ...]`.
-- METHOD is GET or POST; BODY is sent as JSON ("-": no body); each request carries the
-- next TOKEN as its bearer token, in turn (none: no Authorization header). Several users'
-- tokens keep a long run under a per-user rate limit.
-- Prints the WRK_JSON line after the run (wrk_json.lua, shared with report.lua).
local requests = {}
local position = 0

function init(args)
  local method = args[1] or "GET"
  local body = args[2]
  local headers = {}
  if body == nil or body == "-" then
    body = nil
  else
    headers["Content-Type"] = "application/json"
  end
  for i = 3, #args do
    headers["Authorization"] = "Bearer " .. args[i]
    requests[#requests + 1] = wrk.format(method, nil, headers, body)
  end
  if #requests == 0 then
    requests[1] = wrk.format(method, nil, headers, body)
  end
end

function request()
  position = position % #requests + 1
  return requests[position]
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk_json.lua")  -- done()
