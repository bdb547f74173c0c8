-- placeTurn: tryReserve on each candidate in rank order, bindTurn on the first with room, and the deadlines of what
-- is sent there, on the store's clock. ARGV: turnId, ackDelayMs, resultDelayMs (-1: none), clock offsetMs, the count
-- of jobs to be sent, then each one's jobId and attempt, then each candidate's nodeId and connId.
-- Returns {nodeId, the turn's fields and values}, or an empty list when no candidate had room.
local turn_id = ARGV[1]
local now = now_ms(tonumber(ARGV[4]))
local sending = tonumber(ARGV[5])
local first_candidate = 6 + 2 * sending
for c = first_candidate, #ARGV - 1, 2 do
  local node_id = ARGV[c]
  if try_reserve(node_id, turn_id) == 'OK' then
    local turn = bind_turn(turn_id, node_id, ARGV[c + 1])
    if #turn == 0 then
      redis.call('SREM', node_slots_key(node_id), turn_id) -- the turn is gone: nothing to hold the slot for
      return {}
    end
    for j = 6, first_candidate - 1, 2 do
      arm('ACK:' .. ARGV[j], ARGV[j + 1], now + tonumber(ARGV[2]))
    end
    local state = redis.call('HMGET', turn_key(turn_id), 'closed', 'epoch')
    if tonumber(ARGV[3]) >= 0 and state[1] == '1' then
      arm('RESULT:' .. turn_id, state[2], now + tonumber(ARGV[3]))
    end
    return {node_id, turn}
  end
end
return {}
