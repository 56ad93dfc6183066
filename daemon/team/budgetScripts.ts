/**
 * The team budget's Redis scripts. Amounts are integer micro-dollars, so HINCRBY keeps them
 * exact. Each period (a UTC day, a UTC month) is a hash { spent, reserved } with a sorted set
 * beside it: the reservations in flight, scored by when they lapse. A daemon that dies during a
 * request never settles; its reservation lapses, and the next reserve gives it back.
 *
 * KEYS, for every script: the n period hashes, then their n reservation sets.
 */

/** Gives back the reservations of one period that lapsed before `now`. */
const LAPSE = `
local function lapse(hash, set, now)
  local gone = redis.call('ZRANGEBYSCORE', set, '-inf', now)
  for _, member in ipairs(gone) do
    local micros = tonumber(string.match(member, '|(%d+)$'))
    if micros then redis.call('HINCRBY', hash, 'reserved', -micros) end
  end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', set, '-inf', now) end
end
`;

/**
 * reserve, or raise a reservation: ARGV = the reservation's (new) amount, each period's limit
 * (-1: none), each period's TTL in ms, now, when it lapses, its old member ('' for a new
 * reservation) and its member ("<id>|<amount>", so a lapse gives back what is held). Takes the
 * whole amount, or only the difference where the old hold is still there; checks every limit
 * first and takes from all in one step, or nothing. Returns { 1, spent, reserved, ... } per
 * period on success, { 0, index, spent, reserved } on refusal, so the caller can keep its
 * offline allowance fresh.
 */
export const RESERVE_LUA = `${LAPSE}
local n = #KEYS / 2
local amount = tonumber(ARGV[1])
local now = tonumber(ARGV[2 + 2 * n])
local lapsesAt = tonumber(ARGV[3 + 2 * n])
local old = ARGV[4 + 2 * n]
local member = ARGV[5 + 2 * n]
local oldAmount = tonumber(string.match(old, '|(%d+)$')) or 0
local figures = {}
local extra = {}
for i = 1, n do
  lapse(KEYS[i], KEYS[n + i], now)
  extra[i] = amount
  if redis.call('ZSCORE', KEYS[n + i], old) then extra[i] = amount - oldAmount end
  local limit = tonumber(ARGV[1 + i])
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', KEYS[i], 'reserved') or '0')
  if limit >= 0 and spent + reserved + extra[i] > limit then
    return { 0, i, spent, reserved }
  end
  figures[#figures + 1] = spent
  figures[#figures + 1] = reserved + extra[i]
end
for i = 1, n do
  redis.call('ZREM', KEYS[n + i], old)
  redis.call('HINCRBY', KEYS[i], 'reserved', extra[i])
  redis.call('ZADD', KEYS[n + i], lapsesAt, member)
  redis.call('PEXPIRE', KEYS[i], ARGV[1 + n + i])
  redis.call('PEXPIRE', KEYS[n + i], ARGV[1 + n + i])
end
local out = { 1 }
for _, v in ipairs(figures) do out[#out + 1] = v end
return out
`;

/**
 * settle: ARGV = the reserved amount, the actual spend, each period's TTL, the member. The
 * reservation is given back only if it is still there (it may have lapsed meanwhile); a release
 * is a settle with spend 0; spend made offline is a settle with no member.
 */
export const SETTLE_LUA = `
local n = #KEYS / 2
local reserved = tonumber(ARGV[1])
local spent = tonumber(ARGV[2])
local member = ARGV[3 + n]
for i = 1, n do
  if member ~= '' and redis.call('ZREM', KEYS[n + i], member) == 1 then
    redis.call('HINCRBY', KEYS[i], 'reserved', -reserved)
  end
  if spent ~= 0 then redis.call('HINCRBY', KEYS[i], 'spent', spent) end
  redis.call('PEXPIRE', KEYS[i], ARGV[2 + i])
end
return 1
`;
