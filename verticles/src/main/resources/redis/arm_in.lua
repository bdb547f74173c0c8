-- armIn. ARGV: key ('{KIND}:{id}'), generation, delayMs, clock offsetMs, only if absent ('1': leave a deadline armed
-- under the key already). Due delayMs from now on the store's clock.
if ARGV[5] == '1' and redis.call('ZSCORE', DEADLINES_KEY, ARGV[1]) then
  return 0
end
arm(ARGV[1], ARGV[2], now_ms(tonumber(ARGV[4])) + tonumber(ARGV[3]))
return 1
