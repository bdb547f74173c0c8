-- heartbeat. ARGV: nodeId, connId, status, running, atMs. Returns 1, or 0 for a connection no longer current.
local key = node_key(ARGV[1])
if redis.call('HGET', key, 'connId') ~= ARGV[2] then
  return 0
end
redis.call('HSET', key, 'status', ARGV[3], 'running', ARGV[4], 'lastHeartbeatMs', ARGV[5])
set_ttl(key, NODE_TTL_MS)
set_ttl(node_slots_key(ARGV[1]), NODE_TTL_MS)
return 1
