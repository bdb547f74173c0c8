package dev.parley.config;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/** Every setting of Parley, read once from the merged configuration (defaults, environment, flags). */
public record ParleyConfig(
    Server server,
    Session session,
    Dispatch dispatch,
    Timeout timeout,
    Node node,
    Result result,
    Group group,
    Store store,
    Security security,
    Cluster cluster) {

  /** {@code tlsCertPath} and {@code tlsKeyPath}: PEM files; both set serve HTTPS and WSS, both empty plain. */
  public record Server(String host, int port, int instances, int maxFrameBytes, int maxSessions, int maxNodes,
      int maxConnectionsPerIp, long drainTimeoutMs, String tlsCertPath, String tlsKeyPath, long overloadLagMs) {
    public Server {
      if (tlsCertPath.isEmpty() != tlsKeyPath.isEmpty()) {
        throw new IllegalArgumentException("server.tlsCertPath and server.tlsKeyPath go together: set both or neither");
      }
    }

    public boolean tls() {
      return !tlsCertPath.isEmpty();
    }
  }

  public record Session(
      long pauseMs,
      long maxDurationMs,
      long maxTurnMs,
      double audioRateFactor,
      long audioBurstMs,
      long resumeWindowMs,
      long replayWindowMs,
      long idleMs,
      long heartbeatIntervalMs) {}

  public record Dispatch(int maxAttempts, long ackTimeoutMs, long sendTimeoutMs, long pendingTimeoutMs,
      long jobKeyTtlMs) {
    /** More attempts than this would only repeat a job no node can do. */
    public static final int MAX_ATTEMPTS_LIMIT = 100;

    public Dispatch {
      if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
        throw new IllegalArgumentException("dispatch.maxAttempts must be between 1 and " + MAX_ATTEMPTS_LIMIT
            + ", not " + maxAttempts);
      }
    }
  }

  public record Timeout(long baseMs, double factor, long minMs, long maxMs, long sweepMs) {}

  /**
   * The scheduler reads the heartbeat settings; a worker node reads them all. {@code maxJobs} 0 means one job per
   * core; an empty {@code id} means the node makes one up at start and keeps it across reconnects.
   */
  public record Node(
      long heartbeatIntervalMs,
      long heartbeatTimeoutMs,
      String id,
      String scheduler,
      int maxJobs,
      String engines,
      long resultTtlMs,
      long turnIdleMs,
      long reconnectMinMs,
      long reconnectMaxMs,
      String tlsTrustPath,
      long drainTimeoutMs) {

    /** How many jobs the node runs at once. */
    public int concurrency() {
      return maxJobs > 0 ? maxJobs : Runtime.getRuntime().availableProcessors();
    }
  }

  public record Result(long gapTimeoutMs) {}

  public record Group(long windowMs, int maxParts, int maxContextChars) {}

  /** Where shared state lives: an empty {@code redis} URL means the in-process store of a single instance. */
  public record Store(String redis) {
    public boolean usesRedis() {
      return !redis.isBlank();
    }
  }

  /** {@code adminToken}: empty turns the admin page's data off. */
  public record Security(String nodeToken, List<String> sessionTokens, List<String> allowedOrigins,
      String adminToken) {}

  /**
   * Membership of scheduler instances: {@code config} is the Hazelcast file; {@code name} keeps clusters apart;
   * {@code members} (hosts, comma-separated) and {@code host} (this member's address), when set, replace the file's.
   */
  public record Cluster(boolean enabled, String config, String name, List<String> members, String host,
      long ownerTimeoutMs) {}

  /** Builds the record from the merged configuration tree; every key must be present (the defaults file has them all). */
  public static ParleyConfig from(JsonObject c) {
    JsonObject s = c.getJsonObject("server");
    JsonObject se = c.getJsonObject("session");
    JsonObject d = c.getJsonObject("dispatch");
    JsonObject t = c.getJsonObject("timeout");
    JsonObject n = c.getJsonObject("node");
    JsonObject r = c.getJsonObject("result");
    JsonObject g = c.getJsonObject("group");
    JsonObject st = c.getJsonObject("store");
    JsonObject sec = c.getJsonObject("security");
    JsonObject cl = c.getJsonObject("cluster");
    return new ParleyConfig(
        new Server(s.getString("host"), s.getInteger("port"), s.getInteger("instances"),
            s.getInteger("maxFrameBytes"), s.getInteger("maxSessions"), s.getInteger("maxNodes"),
            s.getInteger("maxConnectionsPerIp"), s.getLong("drainTimeoutMs"), s.getString("tlsCertPath"),
            s.getString("tlsKeyPath"), s.getLong("overloadLagMs")),
        new Session(se.getLong("pauseMs"), se.getLong("maxDurationMs"), se.getLong("maxTurnMs"),
            se.getDouble("audioRateFactor"), se.getLong("audioBurstMs"), se.getLong("resumeWindowMs"),
            se.getLong("replayWindowMs"), se.getLong("idleMs"), se.getLong("heartbeatIntervalMs")),
        new Dispatch(d.getInteger("maxAttempts"), d.getLong("ackTimeoutMs"), d.getLong("sendTimeoutMs"),
            d.getLong("pendingTimeoutMs"), d.getLong("jobKeyTtlMs")),
        new Timeout(t.getLong("baseMs"), t.getDouble("factor"), t.getLong("minMs"), t.getLong("maxMs"),
            t.getLong("sweepMs")),
        new Node(n.getLong("heartbeatIntervalMs"), n.getLong("heartbeatTimeoutMs"), n.getString("id"),
            n.getString("scheduler"), n.getInteger("maxJobs"), n.getString("engines"), n.getLong("resultTtlMs"),
            n.getLong("turnIdleMs"), n.getLong("reconnectMinMs"), n.getLong("reconnectMaxMs"),
            n.getString("tlsTrustPath"), n.getLong("drainTimeoutMs")),
        new Result(r.getLong("gapTimeoutMs")),
        new Group(g.getLong("windowMs"), g.getInteger("maxParts"), g.getInteger("maxContextChars")),
        new Store(st.getString("redis")),
        new Security(sec.getString("nodeToken"), list(sec.getString("sessionTokens")),
            list(sec.getString("allowedOrigins")), sec.getString("adminToken")),
        new Cluster(cl.getBoolean("enabled"), cl.getString("config"), cl.getString("name"),
            list(cl.getString("members")), cl.getString("host"), cl.getLong("ownerTimeoutMs")));
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }
}
