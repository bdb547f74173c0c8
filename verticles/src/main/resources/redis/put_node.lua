-- putNode. ARGV: nodeId, connId, clock offsetMs, then the node's fields and values; lastHeartbeatMs is the store's
-- clock. A new connection starts with no slots (those of the one it replaces are kept for openTurnsOnNode, as
-- removeNode keeps them); the same connection put again (an owner re-asserting it after a Redis restart) keeps the
-- slots it holds. Returns the connection replaced, or false for none (or the same one).
local node_id, conn_id = ARGV[1], ARGV[2]
local key = node_key(node_id)
local previous = redis.call('HGET', key, 'connId')
if previous ~= conn_id then
  if previous then
    keep_lost_slots(node_id, previous)
  else
    redis.call('DEL', node_slots_key(node_id))
  end
end
redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, 4))
redis.call('HSET', key, 'lastHeartbeatMs', int(now_ms(tonumber(ARGV[3]))))
set_ttl(key, NODE_TTL_MS)
redis.call('SADD', NODES_KEY, node_id)
if previous and previous ~= conn_id then
  return previous
end
return false
