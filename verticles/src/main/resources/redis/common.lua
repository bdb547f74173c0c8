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

-- A job's fields and values without its audio: what a caller of a transition needs back, at a fraction of the bytes.
local function job_without_audio(job)
  local fields = redis.call('HGETALL', job)
  local out = {}
  for i = 1, #fields, 2 do
    if fields[i] ~= 'audio' then
      out[#out + 1] = fields[i]
      out[#out + 1] = fields[i + 1]
    end
  end
  return out
end

-- The store's clock in milliseconds (Redis TIME), offset as the caller asks (tests move time that way).
local function now_ms(offset_ms)
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + (offset_ms or 0)
end

-- Steps that several scripts take, each described where its own script calls it alone.

local function claim_job_key(key_name, job_id, ttl, now)
  local key = job_key_key(key_name)
  local claim = redis.call('GET', key)
  if claim then
    local expires_at, holder = string.match(claim, '^(%S+) (.*)$')
    if tonumber(expires_at) > now then
      return holder
    end
  end
  redis.call('SET', key, int(now + ttl) .. ' ' .. job_id, 'PX', int(ttl + JOB_KEY_TTL_MARGIN_MS))
  return job_id
end

local function add_job(job_id, turn_id, session_id, index, closes, fields)
  local job = job_key(job_id)
  redis.call('DEL', job)
  redis.call('HSET', job, unpack(fields))

  local turn = turn_key(turn_id)
  if redis.call('EXISTS', turn) == 0 then
    redis.call('HSET', turn, 'turnId', turn_id, 'sessionId', session_id, 'epoch', '0', 'jobIds', '[]')
    local langs = redis.call('HMGET', job, 'srcLang', 'tgtLang')
    if langs[1] then
      redis.call('HSET', turn, 'srcLang', langs[1])
    end
    if langs[2] then
      redis.call('HSET', turn, 'tgtLang', langs[2])
    end
  end
  local job_ids = decode_list(redis.call('HGET', turn, 'jobIds'))
  job_ids[#job_ids + 1] = job_id
  redis.call('HSET', turn, 'jobIds', encode_list(job_ids), 'closed', closes)

  local node_id = redis.call('HGET', turn, 'nodeId')
  if node_id then
    redis.call('HSET', job, 'nodeId', node_id)
  end
  keep_open(job_id, turn_id)
  if OPEN_STATE[redis.call('HGET', job, 'state')] then
    index_open_turn(turn_id)
  end

  local jobs = session_jobs_key(session_id)
  redis.call('ZREMRANGEBYSCORE', jobs, index, index)
  redis.call('ZADD', jobs, index, job_id)
  redis.call('ZREMRANGEBYRANK', jobs, 0, -(MAX_INDEXED_JOBS_PER_SESSION + 1))
  follow_ttl(jobs, session_key(session_id), OPEN_TTL_MS)
  return redis.call('HGETALL', turn)
end

local function try_reserve(node_id, turn_id)
  local node = redis.call('HMGET', node_key(node_id), 'status', 'maxJobs')
  if node[1] ~= 'READY' then
    return 'NOT_READY'
  end
  local capacity = tonumber(node[2])
  if capacity <= 0 then
    return 'NO_CAPACITY'
  end
  local slots = node_slots_key(node_id)
  if redis.call('SISMEMBER', slots, turn_id) == 1 then
    return 'OK'
  end
  if redis.call('SCARD', slots) >= capacity then
    return 'FULL'
  end
  redis.call('SADD', slots, turn_id)
  follow_ttl(slots, node_key(node_id), NODE_TTL_MS)
  return 'OK'
end

local function bind_turn(turn_id, node_id, conn_id)
  local turn = turn_key(turn_id)
  if redis.call('EXISTS', turn) == 0 then
    return {}
  end
  local previous = redis.call('HGET', turn, 'nodeId')
  if previous and previous ~= node_id then
    redis.call('SREM', node_open_turns_key(previous), turn_id)
  end
  redis.call('HSET', turn, 'nodeId', node_id, 'connId', conn_id)
  redis.call('HINCRBY', turn, 'epoch', 1)
  local open = false
  for _, id in ipairs(decode_list(redis.call('HGET', turn, 'jobIds'))) do
    local state = redis.call('HGET', job_key(id), 'state')
    if state and OPEN_STATE[state] then
      redis.call('HSET', job_key(id), 'nodeId', node_id)
      keep_open(id, turn_id)
      open = true
    end
  end
  if open then
    index_open_turn(turn_id)
  end
  return redis.call('HGETALL', turn)
end

-- A deadline's key is '{KIND}:{id}'; re-arming a key replaces its deadline.
local function arm(key, generation, at)
  redis.call('SET', deadline_key(key), generation .. ' ' .. int(at))
  redis.call('ZADD', DEADLINES_KEY, int(at), key)
end

local function disarm(key)
  redis.call('DEL', deadline_key(key))
  redis.call('ZREM', DEADLINES_KEY, key)
end
