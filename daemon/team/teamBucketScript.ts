/**
 * The team's shared rate limit in Redis: one GCRA token bucket per limit (requests, and tokens
 * as the provider counts them), equivalent to a bucket of `capacity` units refilled continuously
 * at `perMs` units a millisecond. Each key holds the bucket's "theoretical arrival time" (TAT):
 * the moment it would be full again if nothing more were taken.
 *
 * A call asks for units from every bucket at once and always gets a turn: it is the first moment
 * at which all of them hold the units (now when they do), and the units are taken for that
 * moment, so later callers queue behind it. That makes the team's requests first come, first
 * served across daemons (fair shares under contention, no polling) while an idle team can spend
 * a full bucket at once. Time is Redis's own clock (TIME), the same for every daemon.
 *
 * KEYS: one per bucket. ARGV: for each bucket, its capacity, its refill per ms and the units
 * asked; then the TTL in ms for idle keys. Returns the wait in ms (0: go now).
 */
export const TAKE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local ttl = tonumber(ARGV[3 * n + 1])
local start = now
local tats = {}
for i = 1, n do
  local capacity = tonumber(ARGV[3 * i - 2])
  local perMs = tonumber(ARGV[3 * i - 1])
  local units = tonumber(ARGV[3 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  -- The bucket holds (capacity - (tat - now) * perMs) now; it holds enough for these units at
  -- tat + units / perMs - capacity / perMs.
  local at = tat + (units - capacity) / perMs
  if at > start then start = at end
  tats[i] = tat
end
for i = 1, n do
  local perMs = tonumber(ARGV[3 * i - 1])
  local units = tonumber(ARGV[3 * i])
  local tat = tats[i]
  -- Units taken at 'start' move the bucket's full-again time on by units / perMs from
  -- whichever is later, its own TAT or 'start' (a bucket that refilled past full stays full).
  local base = tat
  if start > base then base = start end
  redis.call('SET', KEYS[i], tostring(base + units / perMs), 'PX', ttl)
end
return math.ceil(start - now)
`;
