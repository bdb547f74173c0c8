-- addJob. ARGV: jobId, turnId, sessionId, utteranceIndex, closesTurn ('1' or '0'), then the job's fields and values.
-- Makes the turn on its first job, in the job's languages; a job joining a placed turn rides on the turn's node.
-- Returns the turn's fields and values.
return add_job(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], {unpack(ARGV, 6)})
