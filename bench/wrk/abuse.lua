-- The abusive client of `npm run bench:abuse` (bench/abuse.ts, issue 12): one client address,
-- as fast as wrk goes, on one hot SKU. Every request carries the same `CF-Connecting-IP`.
-- Most requests are checkouts, each with a fresh Idempotency-Key, from a few signed-in
-- shoppers; every Nth is `POST /api/session` without a cookie, minting a new shopper, whose
-- cookie the thread then checks out with too (a fresh identity is a fresh per-shopper
-- allowance of the sale's units: what a bot minting sessions is after).
--
-- wrk ... -s abuse.lua <url> -- <cookie file> <sku> <run id> <address> <session every> <max cookies>
--   cookie file    one signed `fs_session` value per line: the shoppers every thread starts with
--   address        the client address, sent as CF-Connecting-IP on every request
--   session every  0, or N: every Nth request of a thread is a session creation
--   max cookies    how many shoppers a thread cycles through at most; a minted shopper
--                  replaces the oldest beyond that
--
-- The answers tell the routes apart (wrk does not say which request an answer is for): a 201
-- with an `"order"` is a checkout the object accepted, a 409 a checkout it refused
-- (limit_exceeded, sold_out: the session route never answers 409), a 200/201 with a
-- `"shopperId"` a session. done() prints one line, `BENCH_RESULT {json}`, for bench/wrk.ts.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count - 1)
  table.insert(threads, thread)
end

local cookies = {}
local cookie_at = 1
local oldest = 1
local max_cookies = 16
local sku, run_id, address, session_every
local checkout_body
local session_request
local sent = 0

-- Read back by done() through thread:get().
counts = {}              -- HTTP status -> responses
codes = {}               -- error code in the body ("rate_limited", "limit_exceeded", ...) -> responses
sessions_sent = 0        -- POST /api/session requests
checkouts_sent = 0       -- POST /api/checkout requests
sessions_issued = 0      -- session answers (200/201)
orders = 0               -- checkouts the object accepted (201)
object_refusals = 0      -- checkouts the object refused (409)

function init(args)
  sku = args[2]
  run_id = args[3]
  address = args[4]
  session_every = tonumber(args[5]) or 0
  max_cookies = tonumber(args[6]) or 16
  for line in io.lines(args[1]) do
    if #cookies < max_cookies then cookies[#cookies + 1] = line end
  end
  if #cookies == 0 then error("no session cookies for the abuser") end
  checkout_body = '{"sku":"' .. sku .. '","qty":1}'
  session_request = wrk.format("POST", "/api/session", {
    ["Host"] = "bench.local",
    ["Content-Type"] = "application/json",
    ["CF-Connecting-IP"] = address,
  }, "{}")
end

function request()
  sent = sent + 1
  if session_every > 0 and sent % session_every == 0 then
    sessions_sent = sessions_sent + 1
    return session_request
  end
  checkouts_sent = checkouts_sent + 1
  local cookie = cookies[cookie_at]
  cookie_at = cookie_at % #cookies + 1
  return wrk.format("POST", "/api/checkout", {
    ["Host"] = "bench.local",
    ["Content-Type"] = "application/json",
    ["CF-Connecting-IP"] = address,
    ["Cookie"] = "fs_session=" .. cookie,
    ["Idempotency-Key"] = run_id .. "-" .. thread_index .. "-" .. sent,
  }, checkout_body)
end

local function remember(cookie)
  if #cookies < max_cookies then
    cookies[#cookies + 1] = cookie
  else
    cookies[oldest] = cookie
    oldest = oldest % max_cookies + 1
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  body = body or ""
  if status == 200 or status == 201 then
    if string.find(body, '"order"', 1, true) then
      orders = orders + 1
    else
      sessions_issued = sessions_issued + 1
      local set_cookie = headers["Set-Cookie"] or headers["set-cookie"]
      local cookie = set_cookie and string.match(set_cookie, "fs_session=([^;]+)")
      if cookie then remember(cookie) end
    end
    return
  end
  if status == 409 then object_refusals = object_refusals + 1 end
  local code = string.match(body, '"code"%s*:%s*"([%w_]+)"') or ("http_" .. status)
  codes[code] = (codes[code] or 0) + 1
end

local function json_map(map)
  local parts = {}
  for key, value in pairs(map) do parts[#parts + 1] = string.format('"%s":%d', tostring(key), value) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local status_total, code_total = {}, {}
  local totals = { sessions_sent = 0, checkouts_sent = 0, sessions_issued = 0, orders = 0, object_refusals = 0 }
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("counts")) do status_total[key] = (status_total[key] or 0) + value end
    for key, value in pairs(thread:get("codes")) do code_total[key] = (code_total[key] or 0) + value end
    for key, value in pairs(totals) do totals[key] = value + thread:get(key) end
  end
  local e = summary.errors
  io.write("BENCH_RESULT ", string.format(
    '{"durationUs":%d,"requests":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p99":%d,"max":%d},"statuses":%s,"codes":%s,' ..
    '"sessionsSent":%d,"checkoutsSent":%d,"sessionsIssued":%d,"orders":%d,"objectRefusals":%d}\n',
    summary.duration, summary.requests,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max,
    json_map(status_total), json_map(code_total),
    totals.sessions_sent, totals.checkouts_sent, totals.sessions_issued, totals.orders, totals.object_refusals))
end
