-- turnJobs. ARGV: turnId. Returns the fields and values of each stored job of the turn, in segment order.
local jobs = {}
for _, id in ipairs(decode_list(redis.call('HGET', turn_key(ARGV[1]), 'jobIds'))) do
  local fields = redis.call('HGETALL', job_key(id))
  if #fields > 0 then
    jobs[#jobs + 1] = fields
  end
end
return jobs
