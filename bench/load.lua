-- wrk script for bench/load.sh: rotates over a mix of pages, half of them as a signed-in
-- member of the region (session cookie) and half anonymously, and counts every answer that
-- is not 200. bench/run.py --load-script writes the paths and the cookie into $LOAD_PATHS.

dofile(os.getenv("LOAD_PATHS"))

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for _, path in ipairs(member_paths) do
    table.insert(requests, wrk.format("GET", path, { ["Cookie"] = cookie }))
  end
  for _, path in ipairs(public_paths) do
    table.insert(requests, wrk.format("GET", path))
  end
  -- Each thread starts at a different place in the rotation.
  n = id or 0
  not_ok = 0
  statuses = {}
end

function request()
  n = n + 1
  return requests[(n % #requests) + 1]
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, status .. ": " .. count)
  end
  -- One line bench/load.sh reads back.
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f "
      .. "not_200=%d socket_errors=%d timeouts=%d statuses=%s\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    not_ok_total, e.connect + e.read + e.write, e.timeout,
    #parts > 0 and table.concat(parts, ",") or "-"
  ))
end
