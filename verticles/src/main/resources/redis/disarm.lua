-- disarm. ARGV: key ('{KIND}:{id}').
redis.call('DEL', deadline_key(ARGV[1]))
redis.call('ZREM', DEADLINES_KEY, ARGV[1])
