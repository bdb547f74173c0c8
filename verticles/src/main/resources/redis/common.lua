-- Helpers shared by every script. RedisScripts puts before this the key layout of RedisKeys (NODES_KEY,
-- DEADLINES_KEY and a function per key family: job_key(id), turn_key(id), ...) and the constants of RedisStore
-- (the TTLs, the count limits, OPEN_STATE).

-- A JSON array of strings; cjson would write an empty one as {}.
local function encode_list(list)
  if #list == 0 then
    return '[]'
  end
  return cjson.encode(list)
end

local function decode_list(json)
  if not json then
    return {}
  end
  return cjson.decode(json)
end

-- Integers as Redis stores them; tostring would switch to exponents past 14 digits.
local function int(n)
  return string.format('%d', n)
end

local function set_ttl(key, ttl_ms)
  if ttl_ms > 0 then
    redis.call('PEXPIRE', key, ttl_ms)
  end
end

-- Gives key the time owner has left: what belongs to a session lives as long as the session.
local function follow_ttl(key, owner, otherwise_ms)
  local left = redis.call('PTTL', owner)
  if left > 0 then
    redis.call('PEXPIRE', key, left)
  else
    set_ttl(key, otherwise_ms)
  end
end

local function turn_has_open_job(job_ids)
  for _, id in ipairs(job_ids) do
    local state = redis.call('HGET', job_key(id), 'state')
    if state and OPEN_STATE[state] then
      return true
    end
  end
  return false
end

-- Every key of a session, set to live ttl_ms more.
local function expire_session(session_id, ttl_ms)
  local token = redis.call('HGET', session_key(session_id), 'resumeToken')
  set_ttl(session_key(session_id), ttl_ms)
  if token then
    set_ttl(token_key(token), ttl_ms)
  end
  set_ttl(outbox_key(session_id), ttl_ms)
  set_ttl(session_jobs_key(session_id), ttl_ms)
end

-- Lists the turn among the open turns of its session and of its node.
local function index_open_turn(turn_id)
  local turn = redis.call('HMGET', turn_key(turn_id), 'sessionId', 'nodeId')
  if turn[1] then
    redis.call('SADD', session_open_turns_key(turn[1]), turn_id)
    set_ttl(session_open_turns_key(turn[1]), OPEN_TTL_MS)
  end
  if turn[2] then
    redis.call('SADD', node_open_turns_key(turn[2]), turn_id)
    set_ttl(node_open_turns_key(turn[2]), OPEN_TTL_MS)
  end
end

local function keep_open(job_id, turn_id)
  set_ttl(job_key(job_id), OPEN_TTL_MS)
  set_ttl(turn_key(turn_id), OPEN_TTL_MS)
end

-- After one of its jobs ended: a turn without open jobs leaves the open-turn sets, and a closed one is done: its jobs
-- drop their audio, it and they expire after FINISHED_TTL_MS, and its slot is freed. Returns the node freed or false.
local function finish_turn_if_done(turn_id)
  local key = turn_key(turn_id)
  local turn = redis.call('HMGET', key, 'closed', 'nodeId', 'sessionId', 'jobIds')
  if not turn[4] then
    return false
  end
  local job_ids = decode_list(turn[4])
  if turn_has_open_job(job_ids) then
    return false
  end
  local node_id = turn[2]
  redis.call('SREM', session_open_turns_key(turn[3]), turn_id)
  if node_id then
    redis.call('SREM', node_open_turns_key(node_id), turn_id)
  end
  if turn[1] ~= '1' then
    return false
  end
  for _, id in ipairs(job_ids) do
    if redis.call('EXISTS', job_key(id)) == 1 then
      redis.call('HSET', job_key(id), 'audio', '')
      set_ttl(job_key(id), FINISHED_TTL_MS)
    end
  end
  set_ttl(key, FINISHED_TTL_MS)
  if node_id and redis.call('SREM', node_slots_key(node_id), turn_id) == 1 then
    return node_id
  end
  return false
end
