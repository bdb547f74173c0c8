-- placeTurn: tryReserve on each candidate in rank order, bindTurn on the first with room, and the jobs sent there
-- DISPATCHED with their ACK deadlines (and no PENDING ones), on the store's clock. ARGV: turnId, ackDelayMs,
-- resultDelayMs (-1: none), clock offsetMs, the count of jobs to be sent, then each one's jobId and attempt, then each
-- candidate's nodeId and connId.
-- Returns {nodeId, the turn's fields and values}, or an empty list when no candidate had room.
local turn_id = ARGV[1]
if tonumber(redis.call('HGET', turn_key(turn_id), 'epoch') or '0') + 1 >= DEADLINE_GENERATIONS then
  return {} -- placed more often than deadlines can tell apart: it stays unplaced until its PENDING deadline
end
local now = now_ms(tonumber(ARGV[4]))
local sending = tonumber(ARGV[5])
local first_candidate = 6 + 2 * sending
for c = first_candidate, #ARGV - 1, 2 do
  local node_id = ARGV[c]
  if try_reserve(node_id, turn_id) == 'OK' then
    local turn = bind_turn(turn_id, node_id, ARGV[c + 1])
    if not turn then
      redis.call('SREM', node_slots_key(node_id), turn_id) -- the turn is gone: nothing to hold the slot for
      return {}
    end
    local deadlines = dispatch_jobs({unpack(ARGV, 6, first_candidate - 1)}, node_id, now + tonumber(ARGV[2]))
    if tonumber(ARGV[3]) >= 0 and turn.closed == '1' then
      local n = #deadlines
      deadlines[n + 1], deadlines[n + 2], deadlines[n + 3] = 'RESULT:' .. turn_id, turn.epoch, now + tonumber(ARGV[3])
    end
    arm_all(deadlines)
    return {node_id, flat(turn, TURN_FIELDS)}
  end
end
return {}
