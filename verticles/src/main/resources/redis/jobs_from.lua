-- jobsFrom. ARGV: sessionId, fromIndex, count. Returns, for each of the count indexes from fromIndex on, the fields
-- and values (without the audio) of the job the index made, the newest should a cut have been made twice, or an
-- empty list: one call where a job each would flood the connection when many sessions move at once.
local from, count = tonumber(ARGV[2]), tonumber(ARGV[3])
local found, found_at = {}, {}
local entries = redis.call('ZRANGEBYSCORE', session_jobs_key(ARGV[1]), from, from + count - 1, 'WITHSCORES')
for i = 1, #entries, 2 do
  local fields = read_hash(job_key(entries[i]), JOB_FIELDS)
  if fields.state then
    local slot = tonumber(entries[i + 1]) - from + 1
    local at = tonumber(fields.createdAtMs or '0')
    if not found_at[slot] or at > found_at[slot] then
      found[slot], found_at[slot] = flat(fields, JOB_FIELDS), at
    end
  end
end
local out = {}
for slot = 1, count do
  out[slot] = found[slot] or {}
end
return out
