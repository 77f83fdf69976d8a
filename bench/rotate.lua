-- Sends GET <path> with a bearer token taken in turn from a file of tokens (one a line),
-- so one run can spread its load over many credentials or put it all on one.
-- Usage: wrk -s rotate.lua <url> -- <tokens-file>
local tokens = {}
local next_index = 1

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      tokens[#tokens + 1] = "Bearer " .. line
    end
  end
  if #tokens == 0 then
    error("no tokens in " .. tostring(args[1]))
  end
  -- Threads start at different tokens so they do not move in lockstep.
  next_index = (math.random(#tokens) - 1) % #tokens + 1
end

function request()
  local token = tokens[next_index]
  next_index = next_index % #tokens + 1
  return wrk.format("GET", nil, { ["Authorization"] = token })
end

-- One JSON line for bench/lib/wrk.mjs, so it need not parse wrk's human-readable summary.
function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,' ..
      '"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
