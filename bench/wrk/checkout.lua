-- One hot-SKU checkout per request, as the shopper API takes it: POST /api/checkout with
-- {"sku","qty":1}, a signed session cookie and a fresh Idempotency-Key.
--
-- wrk ... -s checkout.lua <url> -- <cookie file> <sku> <run id> <threads> <retry every> <stop after sold out> [route] [first shopper]
--   cookie file         one signed `fs_session` value per line; thread i takes lines i, i+n, ...
--                       and walks them in turn, so every request is a different shopper
--                       (until the pool wraps around, back to the first shopper: lines
--                       before it, other runs' shoppers, are never reached)
--   retry every         0, or N: every Nth request re-sends that connection's previous
--                       request unchanged (same shopper, same key), like a client retrying
--   stop after sold out 0, or N: a thread stops once it has seen N `sold_out` answers and
--                       prints `THREAD_SOLD_OUT`; wrk's main thread sleeps out the whole
--                       duration regardless, so bench/wrk.ts sends it SIGINT (wrk's own
--                       "stop now") once every thread has printed it
--   route               "checkout" (the default), or "METHOD:/path" to send that request
--                       instead (no body, same cookies), to time one route of the same
--                       Worker on its own
--
-- done() prints one line, `BENCH_RESULT {json}`, that bench/run.ts parses.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count - 1)
  table.insert(threads, thread)
end

local cookies = {}
local cookie_at = 1
local wrap_to = 1 -- where the walk starts again when the pool wraps: this run's first shopper
local sku, run_id, retry_every, stop_after, fixed_method, fixed_path
local sent = 0
local previous = nil
local body

-- Read back by done() through thread:get().
counts = {}       -- HTTP status -> responses
codes = {}        -- error code in the body ("sold_out", ...) -> responses
replayed = 0      -- 201 answers flagged Idempotent-Replayed
retries = 0       -- requests sent as retries
sold_out_seen = 0

function init(args)
  local path = args[1]
  sku = args[2]
  run_id = args[3]
  local n = tonumber(args[4])
  retry_every = tonumber(args[5]) or 0
  stop_after = tonumber(args[6]) or 0
  local line_no = 0
  for line in io.lines(path) do
    if line_no % n == thread_index then cookies[#cookies + 1] = line end
    line_no = line_no + 1
  end
  if #cookies == 0 then error("no session cookies for thread " .. thread_index) end
  cookie_at = math.floor((tonumber(args[8]) or 0) / n) % #cookies + 1
  wrap_to = cookie_at
  body = '{"sku":"' .. sku .. '","qty":1}'
  local route = args[7] or "checkout"
  if route ~= "checkout" then
    fixed_method, fixed_path = string.match(route, "^(%u+):(/.*)$")
    if not fixed_method then error("route must be checkout or METHOD:/path, not " .. route) end
  end
end

function request()
  sent = sent + 1
  if retry_every > 0 and previous ~= nil and sent % retry_every == 0 then
    retries = retries + 1
    return previous
  end
  local cookie = cookies[cookie_at]
  cookie_at = cookie_at + 1
  if cookie_at > #cookies then cookie_at = wrap_to end
  if fixed_method then
    -- JSON, as every state-changing call must be (a GET ignores it)
    return wrk.format(fixed_method, fixed_path, { ["Host"] = "bench.local", ["Content-Type"] = "application/json", ["Cookie"] = "fs_session=" .. cookie })
  end
  previous = wrk.format("POST", "/api/checkout", {
    ["Host"] = "bench.local",
    ["Content-Type"] = "application/json",
    ["Cookie"] = "fs_session=" .. cookie,
    ["Idempotency-Key"] = run_id .. "-" .. thread_index .. "-" .. sent,
  }, body)
  return previous
end

function response(status, headers, response_body)
  counts[status] = (counts[status] or 0) + 1
  if status == 201 then
    if headers["Idempotent-Replayed"] or headers["idempotent-replayed"] then replayed = replayed + 1 end
    return
  end
  local code = string.match(response_body or "", '"code"%s*:%s*"([%w_]+)"') or ("http_" .. status)
  codes[code] = (codes[code] or 0) + 1
  if code == "sold_out" then
    sold_out_seen = sold_out_seen + 1
    if stop_after > 0 and sold_out_seen == stop_after then
      io.write("THREAD_SOLD_OUT\n")
      io.flush()
      wrk.thread:stop()
    end
  end
end

local function json_map(map)
  local parts = {}
  for key, value in pairs(map) do parts[#parts + 1] = string.format('"%s":%d', tostring(key), value) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local status_total, code_total = {}, {}
  local replayed_total, retries_total = 0, 0
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("counts")) do status_total[key] = (status_total[key] or 0) + value end
    for key, value in pairs(thread:get("codes")) do code_total[key] = (code_total[key] or 0) + value end
    replayed_total = replayed_total + thread:get("replayed")
    retries_total = retries_total + thread:get("retries")
  end
  local e = summary.errors
  io.write("BENCH_RESULT ", string.format(
    '{"durationUs":%d,"requests":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d},' ..
    '"statuses":%s,"codes":%s,"replayed":%d,"retries":%d}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency:percentile(99.9),
    json_map(status_total), json_map(code_total), replayed_total, retries_total))
end
