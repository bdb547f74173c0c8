-- arm. ARGV: key ('{KIND}:{id}'), generation, atMs. Re-arming a key replaces its deadline.
arm(ARGV[1], ARGV[2], tonumber(ARGV[3]))
