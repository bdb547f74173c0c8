-- nodes. Returns each node's fields and values, with 'reserved' added; forgets ids whose node expired.
local nodes = {}
for _, node_id in ipairs(redis.call('SMEMBERS', NODES_KEY)) do
  local fields = redis.call('HGETALL', node_key(node_id))
  if #fields == 0 then
    redis.call('SREM', NODES_KEY, node_id)
  else
    fields[#fields + 1] = 'reserved'
    fields[#fields + 1] = redis.call('SCARD', node_slots_key(node_id))
    nodes[#nodes + 1] = fields
  end
end
return nodes
