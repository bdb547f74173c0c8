-- claimJobKey. ARGV: key, jobId, ttlMs, nowMs. Returns the job id holding the key. The expiry is kept in the value,
-- on the store's clock; the key's own TTL, a little longer, only frees the memory.
return (claim_job_key(ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))) -- the holder alone
