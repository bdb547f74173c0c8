-- tryReserve. ARGV: nodeId, turnId. Returns the Reservation's name.
return try_reserve(ARGV[1], ARGV[2])
