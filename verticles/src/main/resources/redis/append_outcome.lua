-- appendOutcome. ARGV: sessionId, utteranceIndex, frame, atMs, keepMs, owner ('' for any), the job whose kept result
-- the frame stands for ('' for none), and optionally the session's new context text.
-- Keeps the outcomes of the last keepMs before the socket left (or before atMs while one is attached), at most
-- MAX_RETAINED_PER_SESSION, and moves nextDelivery past the index. Returns 0, keeping nothing, when another instance
-- than owner holds the session's lease; else 1.
local session_id = ARGV[1]
local key = session_key(session_id)
local session = read_hash(key, {'detachedAtMs', 'ownerInstance', 'nextDelivery', 'renewedAtMs', 'outboxHeadAtMs'})
local ended = not session.detachedAtMs -- nobody can resume it
if not ended and ARGV[6] ~= '' and session.ownerInstance ~= ARGV[6] then
  return 0
end
if ARGV[7] ~= '' then
  redis.call('HDEL', job_key(ARGV[7]), KEPT_RESULT)
end
if ended then
  return 1
end
local index = tonumber(ARGV[2])
local changes = {}
if index + 1 > tonumber(session.nextDelivery or '0') then
  changes[#changes + 1] = 'nextDelivery'
  changes[#changes + 1] = int(index + 1)
end
if ARGV[8] then
  changes[#changes + 1] = 'contextText'
  changes[#changes + 1] = ARGV[8]
end
local at = tonumber(ARGV[4])
local detached_at = tonumber(session.detachedAtMs)
-- an attached session's keys live SESSION_TTL_MS past its last outcome, renewed once in SESSION_TTL_REFRESH_MS
local renew = detached_at == 0 and at - tonumber(session.renewedAtMs or '0') >= SESSION_TTL_REFRESH_MS
if renew then
  changes[#changes + 1] = 'renewedAtMs'
  changes[#changes + 1] = ARGV[4]
end
local box = outbox_key(session_id)
local retained = redis.call('RPUSH', box, ARGV[2] .. ' ' .. ARGV[4] .. ' ' .. ARGV[3])
local horizon = at
if detached_at > 0 then
  horizon = math.min(at, detached_at)
  follow_ttl(box, key, 0)
elseif renew or retained == 1 then
  expire_session(session_id, SESSION_TTL_MS) -- renewed, or an outbox made now
end
-- the head is read back only when it is OUTBOX_TRIM_SLACK_MS past its time (outboxHeadAtMs says when it came) or
-- the list is past its count; then what is older than the horizon allows, or over the count, is dropped
local oldest_kept = horizon - tonumber(ARGV[5])
local head_at = retained == 1 and at or tonumber(session.outboxHeadAtMs or '0')
local over = retained - MAX_RETAINED_PER_SESSION
if over > 0 or head_at < oldest_kept - OUTBOX_TRIM_SLACK_MS then
  head_at = at
  while retained > 0 do
    local head = redis.call('LRANGE', box, 0, OUTBOX_TRIM_BATCH - 1)
    local drop = 0
    for i, entry in ipairs(head) do
      local entry_at = tonumber(string.match(entry, '^%S+ (%S+) '))
      if entry_at >= oldest_kept and i > over then
        head_at = entry_at
        break
      end
      drop = i
    end
    if drop > 0 then
      redis.call('LTRIM', box, drop, -1)
      retained = retained - drop
      over = over - drop
    end
    if drop < #head or drop == 0 then
      break
    end
  end
end
if head_at ~= tonumber(session.outboxHeadAtMs or '-1') then
  changes[#changes + 1] = 'outboxHeadAtMs'
  changes[#changes + 1] = int(head_at)
end
if #changes > 0 then
  redis.call('HSET', key, unpack(changes))
end
return 1
