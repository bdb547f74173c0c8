package dev.parley.store;

import java.util.List;

/**
 * Where {@link RedisStore} keeps each thing: the one description of the key layout. Hash fields are the names of the
 * record components they hold ({@code jobId}, {@code state}, ...); an absent field is a null component.
 *
 * <pre>
 * key                                 type    holds                                                    TTL
 * parley:nodes                        set     ids of registered nodes; nodes() prunes expired ones     none
 * parley:node:{node}                  hash    a NodeInfo but reserved; pairs a JSON array              node
 * parley:node-slots:{node}            set     turns holding a slot of the node (reserved = SCARD)      node
 * parley:node-lost-slots:{node}/{conn} set    the slots of a connection removed or replaced            open
 * parley:session:{session}            hash    a SessionInfo, renewedAtMs and outboxHeadAtMs            session
 * parley:session-jobs:{session}       zset    job ids scored by utterance index, the newest 10 000     session
 * parley:ended-session-jobs:{session} zset    the index of a removed session, for an abort             open
 * parley:token:{token}                string  the session id of a resume token                         session
 * parley:outbox:{session}             list    retained outcomes, oldest first: "{index} {atMs} {frame}" session
 * parley:jobkey:{key}                 string  "{expiresAtMs} {jobId}", the first job claimed for key   claim+
 * parley:job:{job}                    hash    a JobInfo; audio binary, excludedNodes a JSON array      open/done
 *                                             keptResult: its settled job_result JSON, until delivered
 * parley:turn:{turn}                  hash    a TurnInfo; jobIds a JSON array in segment order,        open/done
 *                                             closed "1" or "0"
 * parley:deadlines                    zset    deadline keys "{KIND}:{id}" scored by                    none
 *                                             atMs * DEADLINE_GENERATIONS + generation
 * </pre>
 *
 * <p>TTLs, so nothing outlives its use when an instance dies mid-way. node: {@link RedisStore#NODE_TTL_MS} past the
 * last heartbeat. open: {@link RedisStore#OPEN_TTL_MS} past the key's making (or a job's failover). done: {@link
 * RedisStore#FINISHED_TTL_MS} once the turn is closed and all its jobs ended. session: {@link
 * RedisStore#SESSION_TTL_MS} past the last outcome while a socket is attached, the resume window plus {@link
 * RedisStore#DETACHED_MARGIN_MS} once detached (a job index without a session: open). claim+: the claim plus {@link
 * RedisStore#JOB_KEY_TTL_MARGIN_MS}; whether the claim expired is read from the value, on the store's clock. An
 * attached session's TTL is renewed by an outcome at most once in {@link RedisStore#SESSION_TTL_REFRESH_MS} (its
 * renewedAtMs field). Deadlines need none: any instance claims them, and claiming removes them.
 *
 * <p>The scripts derive keys from the data they read (a turn's jobs, a job's turn), so the layout is for a single
 * Redis (or a replicated one), not Redis Cluster. The same families are given to the scripts by {@link
 * #luaDefinitions()}, so the layout is written only here.
 */
final class RedisKeys {
  static final String PREFIX = "parley:";

  /**
   * Keys made of a head and an id, known to Lua as the function {@code lua} of the id. The id always comes last and
   * no head is another's prefix, so no id (whatever colons it holds) can make one family's key another's.
   */
  record Family(String lua, String head) {
    String of(String id) {
      return head + id;
    }
  }

  static final String NODES = PREFIX + "nodes";
  static final String DEADLINES = PREFIX + "deadlines";

  static final Family NODE = new Family("node_key", PREFIX + "node:");
  static final Family NODE_SLOTS = new Family("node_slots_key", PREFIX + "node-slots:");
  static final Family NODE_LOST_SLOTS = new Family("node_lost_slots_key", PREFIX + "node-lost-slots:");
  static final Family SESSION = new Family("session_key", PREFIX + "session:");
  static final Family SESSION_JOBS = new Family("session_jobs_key", PREFIX + "session-jobs:");
  static final Family ENDED_SESSION_JOBS = new Family("ended_session_jobs_key", PREFIX + "ended-session-jobs:");
  static final Family TOKEN = new Family("token_key", PREFIX + "token:");
  static final Family OUTBOX = new Family("outbox_key", PREFIX + "outbox:");
  static final Family JOB_KEY = new Family("job_key_key", PREFIX + "jobkey:");
  static final Family JOB = new Family("job_key", PREFIX + "job:");
  static final Family TURN = new Family("turn_key", PREFIX + "turn:");

  static final List<Family> FAMILIES = List.of(NODE, NODE_SLOTS, NODE_LOST_SLOTS, SESSION, SESSION_JOBS,
      ENDED_SESSION_JOBS, TOKEN, OUTBOX, JOB_KEY, JOB, TURN);

  private RedisKeys() {}

  /** The layout as Lua: a constant per single key and a function per family. */
  static String luaDefinitions() {
    StringBuilder lua = new StringBuilder();
    lua.append("local NODES_KEY = ").append(luaString(NODES)).append('\n');
    lua.append("local DEADLINES_KEY = ").append(luaString(DEADLINES)).append('\n');
    for (Family f : FAMILIES) {
      lua.append("local function ").append(f.lua()).append("(id) return ").append(luaString(f.head()))
          .append(" .. id end\n");
    }
    return lua.toString();
  }

  static String luaString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
