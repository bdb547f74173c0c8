-- batch. ARGV: for each call, the script's name, the count of its arguments, then those arguments.
-- Runs the calls in order; returns for each {1, its reply} or {0, its error}, so one call's error fails only that
-- call (the calls before it keep their effects, as separate scripts would).
local out = {}
local i = 1
while i <= #ARGV do
  local script = BATCHED[ARGV[i]]
  local count = tonumber(ARGV[i + 1])
  local args = {}
  for k = 1, count do
    args[k] = ARGV[i + 1 + k]
  end
  local ok, reply
  if script == nil then
    ok, reply = false, 'unknown script ' .. tostring(ARGV[i])
  else
    ok, reply = pcall(script, args)
  end
  if ok and type(reply) == 'table' and reply.err then
    ok, reply = false, reply.err
  end
  if ok then
    if reply == nil then
      reply = false
    end
    out[#out + 1] = {1, reply}
  else
    if type(reply) == 'table' then
      reply = reply.err or 'error'
    end
    out[#out + 1] = {0, tostring(reply)}
  end
  i = i + 2 + count
end
return out
