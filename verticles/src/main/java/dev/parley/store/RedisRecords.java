package dev.parley.store;

import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of the store as Redis hashes: a field per record component, named after it, and no field for a null.
 * Replies arrive as the flat field, value, field, value... list of HGETALL.
 */
final class RedisRecords {
  /** The fields of a job hash but its audio: what scripts read back and return, at a fraction of the bytes. */
  static final List<String> JOB_FIELDS = List.of("jobId", "sessionId", "turnId", "utteranceIndex", "segmentIndex",
      "attempt", "state", "nodeId", "excludedNodes", "audioFormat", "sampleRate", "durationMs", "cutKind", "srcLang",
      "tgtLang", "traceId", "createdAtMs", "lastSeq");
  /** The field of a job hash that keeps its settled result until the outcome is delivered. */
  static final String KEPT_RESULT = "keptResult";
  static final List<String> TURN_FIELDS = List.of("turnId", "sessionId", "srcLang", "tgtLang", "nodeId", "connId",
      "epoch", "jobIds", "closed");

  private RedisRecords() {}

  // --- to Redis ----------------------------------------------------------------------------------------------------

  static List<Object> nodeFields(NodeInfo n) {
    Fields f = new Fields();
    f.put("nodeId", n.nodeId());
    f.put("connId", n.connId());
    f.put("instanceId", n.instanceId());
    f.put("maxJobs", n.maxJobs());
    f.put("pairs", json(n.pairs()));
    f.put("status", n.status().name());
    f.put("running", n.running());
    f.put("lastHeartbeatMs", n.lastHeartbeatMs());
    return f.list;
  }

  static List<Object> sessionFields(SessionInfo s) {
    Fields f = new Fields();
    f.put("sessionId", s.sessionId());
    f.put("resumeToken", s.resumeToken());
    f.put("srcLang", s.srcLang());
    f.put("tgtLang", s.tgtLang());
    f.put("audioFormat", s.audioFormat());
    f.put("sampleRate", s.sampleRate());
    f.put("binaryFrames", String.valueOf(s.binaryFrames()));
    f.put("traceId", s.traceId());
    f.put("ownerInstance", s.ownerInstance());
    f.put("contextText", s.contextText());
    f.put("nextUtteranceIndex", s.nextUtteranceIndex());
    f.put("lastSeq", s.lastSeq());
    f.put("detachedAtMs", s.detachedAtMs());
    f.put("nextDelivery", s.nextDelivery());
    return f.list;
  }

  static List<Object> jobFields(JobInfo j) {
    Fields f = new Fields();
    f.put("jobId", j.jobId());
    f.put("sessionId", j.sessionId());
    f.put("turnId", j.turnId());
    f.put("utteranceIndex", j.utteranceIndex());
    f.put("segmentIndex", j.segmentIndex());
    f.put("attempt", j.attempt());
    f.put("state", j.state().name());
    f.put("nodeId", j.nodeId());
    f.put("excludedNodes", json(j.excludedNodes()));
    f.put("audio", j.audio());
    f.put("audioFormat", j.audioFormat());
    f.put("sampleRate", j.sampleRate());
    f.put("durationMs", j.durationMs());
    f.put("cutKind", j.cutKind());
    f.put("srcLang", j.srcLang());
    f.put("tgtLang", j.tgtLang());
    f.put("traceId", j.traceId());
    f.put("createdAtMs", j.createdAtMs());
    f.put("lastSeq", j.lastSeq());
    return f.list;
  }

  private static String json(Set<String> strings) {
    return strings == null ? null : new JsonArray(new ArrayList<>(strings)).encode();
  }

  /** Field, value, field, value...: String values, numbers as decimal strings, byte[] as they are. */
  private static final class Fields {
    final List<Object> list = new ArrayList<>();

    void put(String name, Object value) {
      if (value != null) {
        list.add(name);
        list.add(value instanceof Number ? value.toString() : value);
      }
    }
  }

  // --- from Redis --------------------------------------------------------------------------------------------------

  /** The hash of an HGETALL-shaped reply, or null when it is empty (no such key). */
  static Map<String, Response> fields(Response flat) {
    if (flat == null || flat.size() == 0) {
      return null;
    }
    Map<String, Response> fields = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      fields.put(flat.get(i).toString(), flat.get(i + 1));
    }
    return fields;
  }

  static NodeInfo node(Response flat) {
    Map<String, Response> f = fields(flat);
    if (f == null) {
      return null;
    }
    return new NodeInfo(text(f, "nodeId"), text(f, "connId"), text(f, "instanceId"), integer(f, "maxJobs"),
        strings(f, "pairs"), NodeInfo.NodeStatus.valueOf(text(f, "status")), integer(f, "running"),
        integer(f, "reserved"), number(f, "lastHeartbeatMs"));
  }

  static SessionInfo session(Response flat) {
    Map<String, Response> f = fields(flat);
    if (f == null) {
      return null;
    }
    return new SessionInfo(text(f, "sessionId"), text(f, "resumeToken"), text(f, "srcLang"), text(f, "tgtLang"),
        text(f, "audioFormat"), integer(f, "sampleRate"), Boolean.parseBoolean(text(f, "binaryFrames")),
        text(f, "traceId"), text(f, "ownerInstance"), text(f, "contextText"), number(f, "nextUtteranceIndex"),
        number(f, "lastSeq"), number(f, "detachedAtMs"), number(f, "nextDelivery"));
  }

  static JobInfo job(Response flat) {
    return job(fields(flat));
  }

  /** A job from the values of {@link #JOB_FIELDS} in that order, as HMGET reads them (nil for an absent field). */
  static JobInfo jobFromValues(Response values) {
    if (values == null || values.size() == 0) {
      return null;
    }
    Map<String, Response> f = new HashMap<>();
    for (int i = 0; i < JOB_FIELDS.size() && i < values.size(); i++) {
      if (values.get(i) != null) {
        f.put(JOB_FIELDS.get(i), values.get(i));
      }
    }
    return job(f);
  }

  private static JobInfo job(Map<String, Response> f) {
    if (f == null) {
      return null;
    }
    Response audio = f.get("audio");
    return new JobInfo(text(f, "jobId"), text(f, "sessionId"), text(f, "turnId"), number(f, "utteranceIndex"),
        integer(f, "segmentIndex"), integer(f, "attempt"), JobState.valueOf(text(f, "state")), text(f, "nodeId"),
        strings(f, "excludedNodes"), audio == null ? null : audio.toBytes(), text(f, "audioFormat"),
        integer(f, "sampleRate"), number(f, "durationMs"), text(f, "cutKind"), text(f, "srcLang"),
        text(f, "tgtLang"), text(f, "traceId"), number(f, "createdAtMs"),
        text(f, "lastSeq") == null ? -1 : number(f, "lastSeq"));
  }

  static TurnInfo turn(Response flat) {
    Map<String, Response> f = fields(flat);
    if (f == null) {
      return null;
    }
    List<String> jobIds = new ArrayList<>();
    for (Object id : new JsonArray(text(f, "jobIds"))) {
      jobIds.add((String) id);
    }
    return new TurnInfo(text(f, "turnId"), text(f, "sessionId"), text(f, "srcLang"), text(f, "tgtLang"),
        text(f, "nodeId"), text(f, "connId"), integer(f, "epoch"), List.copyOf(jobIds), "1".equals(text(f, "closed")));
  }

  private static String text(Map<String, Response> f, String name) {
    Response r = f.get(name);
    return r == null ? null : r.toString();
  }

  private static long number(Map<String, Response> f, String name) {
    String s = text(f, name);
    return s == null ? 0 : Long.parseLong(s);
  }

  private static int integer(Map<String, Response> f, String name) {
    return Math.toIntExact(number(f, name));
  }

  private static Set<String> strings(Map<String, Response> f, String name) {
    String json = text(f, name);
    if (json == null) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (Object s : new JsonArray(json)) {
      out.add((String) s);
    }
    return Set.copyOf(out);
  }
}
