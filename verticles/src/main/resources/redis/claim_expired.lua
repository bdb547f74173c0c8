-- claimExpired. ARGV: nowMs. Removes the deadlines due and returns them as key, '{generation} {atMs}', key, ...
local due = {}
local until_score = int(tonumber(ARGV[1]) * DEADLINE_GENERATIONS + DEADLINE_GENERATIONS - 1)
local claimed = redis.call('ZRANGEBYSCORE', DEADLINES_KEY, '-inf', until_score, 'WITHSCORES')
for i = 1, #claimed, 2 do
  local score = tonumber(claimed[i + 1])
  local generation = score % DEADLINE_GENERATIONS
  redis.call('ZREM', DEADLINES_KEY, claimed[i])
  due[#due + 1] = claimed[i]
  due[#due + 1] = int(generation) .. ' ' .. int((score - generation) / DEADLINE_GENERATIONS)
end
return due
