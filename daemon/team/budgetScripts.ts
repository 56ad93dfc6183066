/**
 * The team budget's Redis scripts. Amounts are integer micro-dollars, so HINCRBY keeps them
 * exact. Each period (a UTC day, a UTC month) is a hash { spent, reserved }.
 *
 * reserve: KEYS = period hashes; ARGV = amount, then each key's limit (-1: none), then each key's
 * TTL in ms. Checks every limit and takes from all in one step, or takes nothing. Returns
 * { 1, spent, reserved, ... } on success, { 0, index, spent, reserved } on refusal; the figures
 * are per key, so the caller can keep its offline allowance fresh.
 */
export const RESERVE_LUA = `
local amount = tonumber(ARGV[1])
local n = #KEYS
local figures = {}
for i = 1, n do
  local limit = tonumber(ARGV[1 + i])
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', KEYS[i], 'reserved') or '0')
  if limit >= 0 and spent + reserved + amount > limit then
    return { 0, i, spent, reserved }
  end
  figures[#figures + 1] = spent
  figures[#figures + 1] = reserved + amount
end
for i = 1, n do
  redis.call('HINCRBY', KEYS[i], 'reserved', amount)
  redis.call('PEXPIRE', KEYS[i], ARGV[1 + n + i])
end
local out = { 1 }
for _, v in ipairs(figures) do out[#out + 1] = v end
return out
`;

/**
 * settle: KEYS = period hashes; ARGV = the reserved amount to give back, the actual spend, each
 * key's TTL. A release is a settle with spend 0; spend made offline is a settle with nothing reserved.
 */
export const SETTLE_LUA = `
local reserved = tonumber(ARGV[1])
local spent = tonumber(ARGV[2])
for i = 1, #KEYS do
  if reserved ~= 0 then redis.call('HINCRBY', KEYS[i], 'reserved', -reserved) end
  if spent ~= 0 then redis.call('HINCRBY', KEYS[i], 'spent', spent) end
  redis.call('PEXPIRE', KEYS[i], ARGV[2 + i])
end
return 1
`;
