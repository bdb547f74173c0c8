-- Helpers shared by every script. RedisScripts puts before this the key layout of RedisKeys (NODES_KEY,
-- DEADLINES_KEY and a function per key family: job_key(id), turn_key(id), ...), the constants of RedisStore (the
-- TTLs, the count limits, OPEN_STATE) and the field names of RedisRecords (JOB_FIELDS, TURN_FIELDS).
--
-- The scripts are on every job's path, and Redis runs them one at a time: each reads a hash once (HMGET of the
-- fields it needs), writes it once, and sets a TTL when it makes a key rather than on every change.

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

-- The named fields of a hash as a table (absent ones are nil), read in one HMGET.
local function read_hash(key, names)
  local values = redis.call('HMGET', key, unpack(names))
  local out = {}
  for i, name in ipairs(names) do
    if values[i] then
      out[name] = values[i]
    end
  end
  return out
end

-- A table of fields as the flat field, value... list HGETALL returns, which RedisRecords reads.
local function flat(fields, names)
  local out = {}
  for _, name in ipairs(names) do
    if fields[name] then
      out[#out + 1] = name
      out[#out + 1] = fields[name]
    end
  end
  return out
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

-- Deadlines: one sorted set, member '{KIND}:{id}', so re-arming a key replaces its deadline. The score packs the
-- time and the generation, atMs * DEADLINE_GENERATIONS + generation, so arming and disarming are one command each;
-- both fit a double's 53 exact bits for times before the year 2100. Attempts are bounded by the configuration and
-- place_turn places no turn past DEADLINE_GENERATIONS - 1 epochs, so this refusal is a last guard.
-- arm_all takes key, generation, at, key, generation, at... and arms them in one ZADD.
local function arm_all(deadlines)
  local args = {}
  for i = 1, #deadlines, 3 do
    local key, generation, at = deadlines[i], deadlines[i + 1], deadlines[i + 2]
    local g = tonumber(generation)
    if g < 0 or g >= DEADLINE_GENERATIONS then
      error('deadline generation ' .. generation .. ' out of range for ' .. key)
    end
    args[#args + 1] = int(at * DEADLINE_GENERATIONS + g)
    args[#args + 1] = key
  end
  if #args > 0 then
    redis.call('ZADD', DEADLINES_KEY, unpack(args))
  end
end

local function arm(key, generation, at)
  arm_all({key, generation, at})
end

local function disarm(key, ...)
  redis.call('ZREM', DEADLINES_KEY, key, ...)
end

-- The store's clock in milliseconds (Redis TIME), offset as the caller asks (tests move time that way). Read once
-- per script run: the calls of a batch run in one go, within a millisecond or two, and share it.
local clock_ms = nil
local function now_ms(offset_ms)
  if not clock_ms then
    local t = redis.call('TIME')
    clock_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return clock_ms + (offset_ms or 0)
end

-- Whether any of the turn's jobs but except_id (whose state the caller knows) is open; and the jobs still stored.
local function other_jobs(job_ids, except_id)
  local open, stored = false, {}
  for _, id in ipairs(job_ids) do
    if id ~= except_id then
      local state = redis.call('HGET', job_key(id), 'state')
      if state then
        stored[#stored + 1] = id
        open = open or OPEN_STATE[state] == true
      end
    end
  end
  return open, stored
end

-- Once a job of the turn ended (ended_id, written by the caller): a closed turn with no open job left is done. Its
-- other jobs drop their audio and it and they expire after FINISHED_TTL_MS; the caller does the same for ended_id
-- when this returns true. Also returns the node whose slot it freed, or false. closing closes the turn first (a
-- cancelled turn takes no more jobs).
local function finish_turn_if_done(turn_id, ended_id, closing)
  local key = turn_key(turn_id)
  local turn = read_hash(key, {'closed', 'nodeId', 'jobIds'})
  if not turn.jobIds then
    return false, false
  end
  if closing and turn.closed ~= '1' then
    redis.call('HSET', key, 'closed', '1')
    turn.closed = '1'
  end
  if turn.closed ~= '1' then
    return false, false
  end
  local open, stored = other_jobs(decode_list(turn.jobIds), ended_id)
  if open then
    return false, false
  end
  for _, id in ipairs(stored) do
    redis.call('HSET', job_key(id), 'audio', '')
    set_ttl(job_key(id), FINISHED_TTL_MS)
  end
  set_ttl(key, FINISHED_TTL_MS)
  if turn.nodeId and redis.call('SREM', node_slots_key(turn.nodeId), turn_id) == 1 then
    return true, turn.nodeId
  end
  return true, false
end

-- A connection's slots once it is gone: kept OPEN_TTL_MS under its id, where openTurnsOnNode finds its turns.
local function keep_lost_slots(node_id, conn_id)
  local slots = node_slots_key(node_id)
  if redis.call('EXISTS', slots) == 1 then
    local lost = node_lost_slots_key(node_id .. '/' .. conn_id)
    redis.call('RENAME', slots, lost)
    set_ttl(lost, OPEN_TTL_MS)
  end
end

-- Steps that several scripts take, each described where its own script calls it alone.

-- Returns the job holding the key, and whether this call claimed it (false for a claim held already, also when by
-- job_id itself: a retry of a call that ran).
local function claim_job_key(key_name, job_id, ttl, now)
  local key = job_key_key(key_name)
  local value = int(now + ttl) .. ' ' .. job_id
  local px = int(ttl + JOB_KEY_TTL_MARGIN_MS)
  local claim = redis.call('SET', key, value, 'PX', px, 'NX', 'GET')
  if not claim then
    return job_id, true
  end
  local expires_at, holder = string.match(claim, '^(%S+) (.*)$')
  if tonumber(expires_at) > now then
    return holder, false
  end
  redis.call('SET', key, value, 'PX', px)
  return job_id, true
end

-- Adds a job to the session's index of jobs by utterance index; the index lives as long as its session.
local function index_job(session_id, index, job_id)
  local jobs = session_jobs_key(session_id)
  redis.call('ZADD', jobs, index, job_id)
  if redis.call('PTTL', jobs) == -1 then
    follow_ttl(jobs, session_key(session_id), OPEN_TTL_MS)
  end
  if tonumber(index) % INDEX_TRIM_EVERY == 0 then
    redis.call('ZREMRANGEBYRANK', jobs, 0, -(MAX_INDEXED_JOBS_PER_SESSION + 1))
  end
end

-- The turn a new job joins, as a table, made when this is its first job; new tells which. The caller writes it.
local function joined_turn(turn_id, session_id, job, job_id, closes)
  local turn = read_hash(turn_key(turn_id), TURN_FIELDS)
  local new = turn.turnId == nil
  if new then
    turn = {turnId = turn_id, sessionId = session_id, epoch = '0', srcLang = job.srcLang, tgtLang = job.tgtLang}
  end
  local job_ids = decode_list(turn.jobIds)
  job_ids[#job_ids + 1] = job_id
  turn.jobIds = encode_list(job_ids)
  turn.closed = closes
  return turn, new
end

-- A turn lives OPEN_TTL_MS past its last job: an utterance may hold one open for long.
local function write_turn(turn_id, turn)
  local key = turn_key(turn_id)
  redis.call('HSET', key, unpack(flat(turn, TURN_FIELDS)))
  set_ttl(key, OPEN_TTL_MS)
end

-- A job's fields from ARGV-style field, value... pairs, as a table; audio kept apart (it is never read back here).
local function job_table(pairs_list)
  local job, audio = {}, nil
  for i = 1, #pairs_list, 2 do
    if pairs_list[i] == 'audio' then
      audio = pairs_list[i + 1]
    else
      job[pairs_list[i]] = pairs_list[i + 1]
    end
  end
  return job, audio
end

local function write_new_job(job_id, job, audio)
  local key = job_key(job_id)
  local args = flat(job, JOB_FIELDS)
  if audio then
    args[#args + 1] = 'audio'
    args[#args + 1] = audio
  end
  redis.call('HSET', key, unpack(args))
  set_ttl(key, OPEN_TTL_MS)
end

local function add_job(job_id, turn_id, session_id, index, closes, fields)
  local job, audio = job_table(fields)
  local turn = joined_turn(turn_id, session_id, job, job_id, closes)
  job.nodeId = turn.nodeId
  write_new_job(job_id, job, audio)
  write_turn(turn_id, turn)
  index_job(session_id, index, job_id)
  return flat(turn, TURN_FIELDS)
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
  local held = redis.call('SCARD', slots)
  if held >= capacity then
    if redis.call('SISMEMBER', slots, turn_id) == 1 then
      return 'OK'
    end
    return 'FULL'
  end
  redis.call('SADD', slots, turn_id)
  if held == 0 then
    follow_ttl(slots, node_key(node_id), NODE_TTL_MS) -- the set was made now
  end
  return 'OK'
end

-- Places the turn (a table, written by the caller) on the node's connection, in a new epoch.
local function bind(turn, node_id, conn_id)
  turn.nodeId = node_id
  turn.connId = conn_id
  turn.epoch = int(tonumber(turn.epoch or '0') + 1)
end

-- Marks each job of sending (jobId, attempt pairs) DISPATCHED on the node, with no PENDING deadline; returns their
-- ACK deadlines for arm_all, to which the caller may add its own.
local function dispatch_jobs(sending, node_id, ack_at)
  local deadlines, pending = {}, {}
  for i = 1, #sending, 2 do
    local id, attempt = sending[i], sending[i + 1]
    local job = job_key(id)
    local current = redis.call('HMGET', job, 'state', 'attempt')
    if current[1] == 'CREATED' and current[2] == attempt then
      redis.call('HSET', job, 'state', 'DISPATCHED', 'nodeId', node_id)
      local n = #deadlines
      deadlines[n + 1], deadlines[n + 2], deadlines[n + 3] = 'ACK:' .. id, attempt, ack_at
      pending[#pending + 1] = 'PENDING:' .. id
    end
  end
  if #pending > 0 then
    disarm(unpack(pending))
  end
  return deadlines
end

-- Places a stored turn on the node, its open jobs with it. Returns the turn as bound (a table), or nil when it is gone.
local function bind_turn(turn_id, node_id, conn_id)
  local key = turn_key(turn_id)
  local turn = read_hash(key, TURN_FIELDS)
  if not turn.turnId then
    return nil
  end
  bind(turn, node_id, conn_id)
  redis.call('HSET', key, 'nodeId', node_id, 'connId', conn_id, 'epoch', turn.epoch)
  for _, id in ipairs(decode_list(turn.jobIds)) do
    local state = redis.call('HGET', job_key(id), 'state')
    if state and OPEN_STATE[state] then
      redis.call('HSET', job_key(id), 'nodeId', node_id)
    end
  end
  return turn
end
