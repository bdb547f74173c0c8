-- putNode. ARGV: nodeId, connId, then the node's fields and values. A new connection starts with no slots; the same
-- connection put again (an owner re-asserting it after a Redis restart) keeps the slots it holds.
local node_id, conn_id = ARGV[1], ARGV[2]
local key = node_key(node_id)
if redis.call('HGET', key, 'connId') ~= conn_id then
  redis.call('DEL', node_slots_key(node_id))
end
redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, 3))
set_ttl(key, NODE_TTL_MS)
redis.call('SADD', NODES_KEY, node_id)
