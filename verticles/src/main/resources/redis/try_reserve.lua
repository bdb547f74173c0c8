-- tryReserve. ARGV: nodeId, turnId. Returns the Reservation's name.
local node = redis.call('HMGET', node_key(ARGV[1]), 'status', 'maxJobs')
if node[1] ~= 'READY' then
  return 'NOT_READY'
end
local capacity = tonumber(node[2])
if capacity <= 0 then
  return 'NO_CAPACITY'
end
local slots = node_slots_key(ARGV[1])
if redis.call('SISMEMBER', slots, ARGV[2]) == 1 then
  return 'OK'
end
if redis.call('SCARD', slots) >= capacity then
  return 'FULL'
end
redis.call('SADD', slots, ARGV[2])
follow_ttl(slots, node_key(ARGV[1]), NODE_TTL_MS)
return 'OK'
