-- armIn. ARGV: key ('{KIND}:{id}'), generation, delayMs, clock offsetMs. Due delayMs from now on the store's clock.
arm(ARGV[1], ARGV[2], now_ms(tonumber(ARGV[4])) + tonumber(ARGV[3]))
