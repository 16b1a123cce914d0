-- Prints the WRK_JSON line after the run (wrk_json.lua): requests, errors, latency percentiles.
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

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk_json.lua")  -- done()
