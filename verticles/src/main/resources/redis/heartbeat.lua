-- heartbeat. ARGV: nodeId, connId, status, running, clock offsetMs. Records the beat on the store's clock. Returns
-- the HeartbeatOutcome's name.
local key = node_key(ARGV[1])
local current = redis.call('HGET', key, 'connId')
if not current then
  return 'UNKNOWN_NODE'
end
if current ~= ARGV[2] then
  return 'OTHER_CONNECTION'
end
redis.call('HSET', key, 'status', ARGV[3], 'running', ARGV[4], 'lastHeartbeatMs', int(now_ms(tonumber(ARGV[5]))))
set_ttl(key, NODE_TTL_MS)
set_ttl(node_slots_key(ARGV[1]), NODE_TTL_MS)
return 'RECORDED'
