package dev.parley.cli;

import java.util.List;

/** The benchmark's options, as parsed from the command line. */
record BenchOptions(
    String url,
    int sessions,
    int nodes,
    int durationS,
    double rate,
    int audioMs,
    int chunkMs,
    String codec,
    boolean noRateLimit,
    int nodeDelayMs,
    int nodeCapacity,
    int window,
    int drainS,
    String gc,
    String heap,
    boolean binary,
    int warmupS,
    String store,
    int instances,
    int chaosNodeEveryS,
    int chaosRedisAtS,
    int chaosInstanceAtS) {

  static final String USAGE = """
      usage: parley.jar bench [--url ws://host:port] [--sessions N] [--nodes N] [--duration S] [--rate JOBS_PER_S]
                              [--audio-ms MS] [--chunk-ms MS] [--codec opus|pcm16] [--no-rate-limit] [--binary]
                              [--node-delay-ms MS] [--node-capacity N] [--window N] [--drain S]
                              [--gc parallel|g1|serial|z|shenandoah] [--heap 512m] [--warmup S]
                              [--store local|redis] [--instances 1|2]
                              [--chaos-node-every S] [--chaos-redis-at S] [--chaos-instance-at S]
        --rate 0 sends as fast as possible (each session keeps --window jobs outstanding); without --rate each
        session streams in real time, one job per --audio-ms of audio, in chunks of --chunk-ms.
        Latencies and jobs/s count after --warmup seconds (default 25) of the --duration (default 45): a scheduler
        under load compiles its hot code for its first 20 to 30 s; every job counts for lost and duplicates. Without --url a scheduler is started for the run (with the heap and collector given);
        --store redis gives it a redis-server of its own and reports the Redis commands each job cost;
        --instances 2 (with --store redis) starts two clustered schedulers: browsers on one, nodes on the other.
        --chaos-node-every S kills a node every S seconds (its socket cut, its jobs unanswered) and starts it again
        two seconds later; --chaos-redis-at S restarts the redis-server S seconds into the run (AOF on);
        --chaos-instance-at S (with --instances 2) spreads browsers and nodes over both schedulers, kills the first
        with SIGKILL S seconds in and starts it again three seconds later: its browsers resume on the other one and
        its nodes reconnect there. The report then adds how long each failover took, from a kill to the job's new
        job_assign, and how long each resume took, from the lost socket to the resumed session's ack.
             parley.jar bench --node [--sessions-list 1,2,4] [--sentences N]
        --node benchmarks a real node with its engines instead: splitting and Opus decoding, the engines' real-time
        factors, then latency and word error rate of real speech (N sentences made by flite, default 10), streamed in
        real time by each count of sessions through a scheduler and a node started in the process.""";

  static BenchOptions parse(List<String> args) {
    String url = null;
    int sessions = 100;
    int nodes = 10;
    int duration = 45;
    double rate = -1;
    int audioMs = 500;
    int chunkMs = 200;
    String codec = "opus";
    boolean noRateLimit = false;
    int nodeDelay = 0;
    int nodeCapacity = 200;
    int window = 4;
    int drain = 20;
    String gc = "parallel";
    String heap = "512m";
    boolean binary = false;
    int warmup = 25;
    String store = "local";
    int instances = 1;
    int chaosNodeEvery = 0;
    int chaosRedisAt = 0;
    int chaosInstanceAt = 0;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (flag.equals("--no-rate-limit")) {
        noRateLimit = true;
        continue;
      }
      if (flag.equals("--binary")) {
        binary = true;
        continue;
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args.get(++i);
      switch (flag) {
        case "--url" -> url = v;
        case "--sessions" -> sessions = Integer.parseInt(v);
        case "--nodes" -> nodes = Integer.parseInt(v);
        case "--duration" -> duration = Integer.parseInt(v);
        case "--rate" -> rate = Double.parseDouble(v);
        case "--audio-ms" -> audioMs = Integer.parseInt(v);
        case "--chunk-ms" -> chunkMs = Integer.parseInt(v);
        case "--codec" -> codec = v;
        case "--node-delay-ms" -> nodeDelay = Integer.parseInt(v);
        case "--node-capacity" -> nodeCapacity = Integer.parseInt(v);
        case "--window" -> window = Integer.parseInt(v);
        case "--drain" -> drain = Integer.parseInt(v);
        case "--gc" -> gc = v;
        case "--heap" -> heap = v;
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--store" -> store = v;
        case "--instances" -> instances = Integer.parseInt(v);
        case "--chaos-node-every" -> chaosNodeEvery = Integer.parseInt(v);
        case "--chaos-redis-at" -> chaosRedisAt = Integer.parseInt(v);
        case "--chaos-instance-at" -> chaosInstanceAt = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (warmup >= duration) {
      throw new IllegalArgumentException("--warmup must be shorter than --duration");
    }
    if (!store.equals("local") && !store.equals("redis")) {
      throw new IllegalArgumentException("--store is local or redis");
    }
    if (!store.equals("local") && url != null) {
      throw new IllegalArgumentException("--store redis starts its own scheduler: leave out --url");
    }
    if (instances != 1 && (instances != 2 || !store.equals("redis"))) {
      throw new IllegalArgumentException("--instances is 1, or 2 with --store redis");
    }
    if (!codec.equals("opus") && !codec.equals("pcm16")) {
      throw new IllegalArgumentException("--codec is opus or pcm16");
    }
    if (audioMs % 20 != 0 || chunkMs % 20 != 0 || audioMs <= 0 || chunkMs <= 0) {
      throw new IllegalArgumentException("--audio-ms and --chunk-ms are positive multiples of 20");
    }
    if (chaosRedisAt > 0 && (!store.equals("redis") || chaosRedisAt >= duration)) {
      throw new IllegalArgumentException("--chaos-redis-at needs --store redis and a time within --duration");
    }
    if (chaosInstanceAt > 0 && (instances != 2 || chaosInstanceAt >= duration)) {
      throw new IllegalArgumentException("--chaos-instance-at needs --instances 2 and a time within --duration");
    }
    if (chaosNodeEvery > 0 && nodes < 2) {
      throw new IllegalArgumentException("--chaos-node-every needs two nodes or more: one must take the jobs");
    }
    return new BenchOptions(url, sessions, nodes, duration, rate, audioMs, chunkMs, codec, noRateLimit, nodeDelay,
        nodeCapacity, window, drain, gc, heap, binary, warmup, store, instances, chaosNodeEvery, chaosRedisAt,
        chaosInstanceAt);
  }

  boolean asFastAsPossible() {
    return rate == 0;
  }

  /** How often a session streaming in real time starts a job: every --audio-ms, or less often to offer --rate. */
  long jobPeriodMs() {
    return rate > 0 ? Math.max(audioMs, Math.round(1000.0 * sessions / rate)) : audioMs;
  }
}
