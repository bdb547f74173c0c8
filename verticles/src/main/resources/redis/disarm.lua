-- disarm. ARGV: key ('{KIND}:{id}').
disarm(ARGV[1])
