package dev.parley.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Lua scripts of {@link RedisStore}, one per atomic change, from {@code src/main/resources/redis}. Each is sent
 * once with SCRIPT LOAD and then called by its SHA; a Redis that lost its scripts (a restart, SCRIPT FLUSH) answers
 * NOSCRIPT, and the script is loaded again and the call retried once.
 */
final class RedisScripts {
  enum Script {
    PUT_NODE, HEARTBEAT, REMOVE_NODE, NODES, TRY_RESERVE,
    PUT_SESSION, SESSION_BY_TOKEN, TAKE_SESSION, DETACH_SESSION, REMOVE_SESSION, APPEND_OUTCOME,
    CLAIM_JOB_KEY, ADD_JOB, CREATE_JOB, JOB_AT, JOBS_FROM, TURN_JOBS, BIND_TURN, PLACE_TURN, UNBIND_TURN, CLOSE_TURN,
    TRANSITION, FAILOVER,
    OPEN_TURNS, ARM, ARM_IN, DISARM, CLAIM_EXPIRED,
    /** Calls of the {@link #BATCHED} scripts, run in one script. */
    BATCH;

    String resource() {
      return "redis/" + name().toLowerCase(Locale.ROOT) + ".lua";
    }
  }

  /**
   * The scripts every job calls. Calls of these made on one event loop in one turn go to Redis as one BATCH call:
   * Redis then reads, parses and answers one request for them, which is much of its work for a script this small.
   */
  static final Set<Script> BATCHED = EnumSet.of(Script.CREATE_JOB, Script.TRANSITION, Script.APPEND_OUTCOME,
      Script.ARM_IN, Script.DISARM);
  /** Calls in one BATCH at most; more are sent in the next. */
  static final int MAX_BATCH = 16;

  private final RedisLink redis;
  private final Map<Script, String> sources = new EnumMap<>(Script.class);
  private final Map<Script, String> shas = new ConcurrentHashMap<>();

  RedisScripts(RedisLink redis) {
    this.redis = redis;
    String preamble = constants() + RedisKeys.luaDefinitions() + read("redis/common.lua");
    StringBuilder batch = new StringBuilder(preamble).append('\n');
    for (Script s : Script.values()) {
      if (s == Script.BATCH) {
        continue;
      }
      String body = read(s.resource());
      sources.put(s, preamble + "\n" + body);
      if (BATCHED.contains(s)) {
        // the script's body as a function: its parameter shadows the global ARGV, so the body reads its own
        batch.append("local function script_").append(s.name().toLowerCase(Locale.ROOT)).append("(ARGV)\n").append(body)
            .append("\nend\n");
      }
    }
    batch.append("local BATCHED = {");
    for (Script s : BATCHED) {
      batch.append(s.name()).append(" = script_").append(s.name().toLowerCase(Locale.ROOT)).append(", ");
    }
    sources.put(Script.BATCH, batch.append("}\n").append(read(Script.BATCH.resource())).toString());
  }

  /** Loads every script; the store is usable once this succeeds. */
  Future<Void> loadAll() {
    List<Future<String>> loads = new ArrayList<>();
    for (Script s : Script.values()) {
      loads.add(load(s));
    }
    return Future.all(loads).mapEmpty();
  }

  /**
   * Runs the script with {@code args} (each a String, a byte[] or a number) as ARGV. A call of a {@link #BATCHED}
   * script on an event loop joins that loop's batch, sent once the loop has run what it had queued.
   */
  Future<Response> run(Script script, Object... args) {
    Context context = Vertx.currentContext();
    // a batch belongs to its event loop's thread; a worker's call (even on an event-loop context) goes alone
    if (context == null || !BATCHED.contains(script) || !Context.isOnEventLoopThread()) {
      return runAlone(script, args);
    }
    Batch batch = context.get(this);
    if (batch == null) {
      Batch started = new Batch();
      batch = started;
      context.put(this, started);
      context.runOnContext(v -> flush(context, started));
    }
    Promise<Response> reply = Promise.promise();
    batch.calls.add(new Call(script, args, reply));
    if (batch.calls.size() >= MAX_BATCH) {
      flush(context, batch);
    }
    return reply.future();
  }

  private record Call(Script script, Object[] args, Promise<Response> reply) {}

  private static final class Batch {
    final List<Call> calls = new ArrayList<>();
    boolean sent;
  }

  private void flush(Context context, Batch batch) {
    if (context.get(this) == batch) {
      context.remove(this);
    }
    if (batch.sent) {
      return;
    }
    batch.sent = true;
    List<Call> calls = List.copyOf(batch.calls);
    if (calls.size() == 1) {
      Call only = calls.get(0);
      runAlone(only.script(), only.args()).onComplete(only.reply());
      return;
    }
    List<Object> args = new ArrayList<>();
    for (Call c : calls) {
      args.add(c.script().name());
      args.add(c.args().length);
      args.addAll(Arrays.asList(c.args()));
    }
    runAlone(Script.BATCH, args.toArray()).onComplete(ar -> {
      for (int i = 0; i < calls.size(); i++) {
        Promise<Response> reply = calls.get(i).reply();
        if (ar.failed()) {
          reply.fail(ar.cause());
          continue;
        }
        Response answer = i < ar.result().size() ? ar.result().get(i) : null;
        if (answer == null) {
          reply.fail(new IllegalStateException("no answer for this call in its batch"));
        } else if (answer.get(0).toInteger() == 1) {
          reply.complete(answer.get(1));
        } else {
          reply.fail(new IllegalStateException(answer.get(1).toString()));
        }
      }
    });
  }

  private Future<Response> runAlone(Script script, Object... args) {
    String sha = shas.get(script);
    Future<Response> first = sha == null ? load(script).compose(s -> evalSha(s, args)) : evalSha(sha, args);
    return first.recover(e -> isNoScript(e) ? load(script).compose(s -> evalSha(s, args)) : Future.failedFuture(e));
  }

  private Future<String> load(Script script) {
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(sources.get(script)))
        .map(r -> {
          String sha = r.toString();
          shas.put(script, sha);
          return sha;
        });
  }

  private Future<Response> evalSha(String sha, Object[] args) {
    Request request = Request.cmd(Command.EVALSHA).arg(sha).arg(0);
    for (Object a : args) {
      if (a instanceof byte[] bytes) {
        request.arg(bytes);
      } else if (a instanceof Number n) {
        request.arg(n.longValue());
      } else {
        request.arg((String) a);
      }
    }
    return redis.send(request);
  }

  private static boolean isNoScript(Throwable e) {
    return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
  }

  /** The store's limits as Lua constants, so Java and the scripts cannot disagree. */
  private static String constants() {
    StringBuilder lua = new StringBuilder();
    lua.append("local NODE_TTL_MS = ").append(RedisStore.NODE_TTL_MS).append('\n');
    lua.append("local OPEN_TTL_MS = ").append(RedisStore.OPEN_TTL_MS).append('\n');
    lua.append("local FINISHED_TTL_MS = ").append(RedisStore.FINISHED_TTL_MS).append('\n');
    lua.append("local SESSION_TTL_MS = ").append(RedisStore.SESSION_TTL_MS).append('\n');
    lua.append("local JOB_KEY_TTL_MARGIN_MS = ").append(RedisStore.JOB_KEY_TTL_MARGIN_MS).append('\n');
    lua.append("local MAX_RETAINED_PER_SESSION = ").append(LocalStore.MAX_RETAINED_PER_SESSION).append('\n');
    lua.append("local MAX_INDEXED_JOBS_PER_SESSION = ").append(RedisStore.MAX_INDEXED_JOBS_PER_SESSION)
        .append('\n');
    lua.append("local SESSION_TTL_REFRESH_MS = ").append(RedisStore.SESSION_TTL_REFRESH_MS).append('\n');
    lua.append("local DEADLINE_GENERATIONS = ").append(RedisStore.DEADLINE_GENERATIONS).append('\n');
    lua.append("local INDEX_TRIM_EVERY = ").append(RedisStore.INDEX_TRIM_EVERY).append('\n');
    lua.append("local OPEN_SCAN_JOBS = ").append(RedisStore.OPEN_SCAN_JOBS).append('\n');
    lua.append("local OUTBOX_TRIM_BATCH = ").append(RedisStore.OUTBOX_TRIM_BATCH).append('\n');
    lua.append("local OUTBOX_TRIM_SLACK_MS = ").append(RedisStore.OUTBOX_TRIM_SLACK_MS).append('\n');
    lua.append("local JOB_FIELDS = ").append(luaList(RedisRecords.JOB_FIELDS)).append('\n');
    lua.append("local JOB_AT = ").append(luaPositions(RedisRecords.JOB_FIELDS)).append('\n');
    lua.append("local TURN_FIELDS = ").append(luaList(RedisRecords.TURN_FIELDS)).append('\n');
    lua.append("local KEPT_RESULT = '").append(RedisRecords.KEPT_RESULT).append("'\n");
    lua.append("local OPEN_STATE = {");
    for (JobState s : JobState.OPEN) {
      lua.append(s.name()).append(" = true, ");
    }
    lua.append("}\n");
    return lua.toString();
  }

  /** Each name's place in the list, from 1: where HMGET of those names puts its value. */
  private static String luaPositions(List<String> names) {
    StringBuilder lua = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      lua.append(names.get(i)).append(" = ").append(i + 1).append(", ");
    }
    return lua.append('}').toString();
  }

  private static String luaList(List<String> names) {
    StringBuilder lua = new StringBuilder("{");
    for (String n : names) {
      lua.append(RedisKeys.luaString(n)).append(", ");
    }
    return lua.append('}').toString();
  }

  private static String read(String resource) {
    try (InputStream in = RedisScripts.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
