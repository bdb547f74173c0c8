-- arm. ARGV: key ('{KIND}:{id}'), generation, atMs. Re-arming a key replaces its deadline.
redis.call('SET', deadline_key(ARGV[1]), ARGV[2] .. ' ' .. ARGV[3])
redis.call('ZADD', DEADLINES_KEY, ARGV[3], ARGV[1])
