-- claimExpired. ARGV: nowMs. Removes the deadlines due and returns them as key, '{generation} {atMs}', key, ...
local due = {}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', DEADLINES_KEY, '-inf', ARGV[1])) do
  local deadline = redis.call('GET', deadline_key(key))
  redis.call('ZREM', DEADLINES_KEY, key)
  redis.call('DEL', deadline_key(key))
  if deadline then
    due[#due + 1] = key
    due[#due + 1] = deadline
  end
end
return due
