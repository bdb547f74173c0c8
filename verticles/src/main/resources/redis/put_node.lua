-- putNode. ARGV: nodeId, then the node's fields and values. A new connection starts with no slots.
local node_id = ARGV[1]
local key = node_key(node_id)
redis.call('DEL', key, node_slots_key(node_id))
redis.call('HSET', key, unpack(ARGV, 2))
set_ttl(key, NODE_TTL_MS)
redis.call('SADD', NODES_KEY, node_id)
