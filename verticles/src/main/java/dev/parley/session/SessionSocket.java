package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.bus.Ids;
import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import dev.parley.codecs.audio.AudioFormat;
import dev.parley.codecs.binary.BinaryAudioFrame;
import dev.parley.codecs.bus.NewJob;
import dev.parley.codecs.bus.SessionRef;
import dev.parley.codecs.bus.TurnRef;
import dev.parley.codecs.protocol.AudioChunk;
import dev.parley.codecs.protocol.ClientHeartbeat;
import dev.parley.codecs.protocol.ErrorMessage;
import dev.parley.codecs.protocol.Message;
import dev.parley.codecs.protocol.Messages;
import dev.parley.codecs.protocol.MissingResult;
import dev.parley.codecs.protocol.ServerHeartbeat;
import dev.parley.codecs.protocol.SessionClose;
import dev.parley.codecs.protocol.SessionCloseAck;
import dev.parley.codecs.protocol.SessionInit;
import dev.parley.codecs.protocol.SessionInitAck;
import dev.parley.codecs.protocol.TtsPlayEnded;
import dev.parley.codecs.protocol.TranslationResult;
import dev.parley.codecs.protocol.TtsStarted;
import dev.parley.codecs.protocol.Utterance;
import dev.parley.config.ParleyConfig;
import dev.parley.store.SessionInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser socket on {@code /ws/session}: the session's handshake, its cutter, and the frames it receives. Runs
 * on the event loop of the verticle instance that accepted the socket; nothing here blocks.
 */
final class SessionSocket {
  private static final Logger LOG = LoggerFactory.getLogger(SessionSocket.class);
  /** The WebSocket close code for a server going down (RFC 6455): the client reconnects, elsewhere if it can. */
  static final short GOING_AWAY = 1001;
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{1,8})?");

  private enum Mode {
    UNDECIDED,
    CHUNKS,
    UTTERANCES
  }

  private final Vertx vertx;
  private final EventBus bus;
  private final Endpoints endpoints;
  private final ParleyConfig config;
  private final ServerWebSocket ws;
  private final Context context;

  private SessionInfo info;
  private Cutter cutter;
  private AudioMeter meter;
  private TokenBucket bucket;
  private Mode mode = Mode.UNDECIDED;
  private long lastSeq = -1;
  private MessageConsumer<String> consumer;
  private long lastFrameMs;
  private long lastChunkMs;
  private long lastHeartbeatSentMs;
  private boolean starting;
  private boolean ended;
  /** Frames that arrived while a resume replays retained outcomes; sent after the replay, minus repeats. */
  private List<String> held;
  private final ReplayGuard replay = new ReplayGuard();

  SessionSocket(Vertx vertx, Endpoints endpoints, ServerWebSocket ws) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.endpoints = endpoints;
    this.config = endpoints.config;
    this.ws = ws;
    this.context = vertx.getOrCreateContext();
    this.lastFrameMs = System.currentTimeMillis();
  }

  void onText(String text) {
    lastFrameMs = System.currentTimeMillis();
    if (text.length() > config.server().maxFrameBytes()) {
      error(ErrorCode.FRAME_TOO_LARGE, "frame exceeds " + config.server().maxFrameBytes() + " bytes", null);
      return;
    }
    JsonObject json = null;
    Message message;
    try {
      json = Messages.object(text);
      message = Messages.decode(json);
    } catch (ProtocolException e) {
      if (json == null || !Messages.isPlaybackReport(json)) {
        error(e.code(), e.getMessage(), null);
      }
      return;
    }
    handle(message);
  }

  void onBinary(Buffer buffer) {
    lastFrameMs = System.currentTimeMillis();
    if (buffer.length() > config.server().maxFrameBytes()) {
      error(ErrorCode.FRAME_TOO_LARGE, "frame exceeds " + config.server().maxFrameBytes() + " bytes", null);
      return;
    }
    if (info == null || !info.binaryFrames()) {
      error(ErrorCode.BAD_AUDIO, "binary frames were not negotiated in session_init", null);
      return;
    }
    try {
      BinaryAudioFrame f = BinaryAudioFrame.decode(buffer);
      onChunk(f.sessionId(), f.seq(), f.isFinal(), f.audio());
    } catch (ProtocolException e) {
      error(e.code(), e.getMessage(), null);
    }
  }

  private void handle(Message message) {
    try {
      if (message instanceof AudioChunk c) {
        onChunk(c.sessionId(), c.seq(), c.isFinal(), c.payload());
      } else if (message instanceof Utterance u) {
        onUtterance(u);
      } else if (message instanceof SessionInit init) {
        onInit(init);
      } else if (message instanceof ClientHeartbeat h) {
        requireSession(h.sessionId());
        write(new ServerHeartbeat(info.sessionId(), System.currentTimeMillis()).toJson().encode());
      } else if (message instanceof TtsStarted || message instanceof TtsPlayEnded) {
        // playback reports are accepted and never answered with an error
      } else if (message instanceof SessionClose c) {
        onClose(c);
      } else {
        error(ErrorCode.UNKNOWN_TYPE, "type " + message.type() + " is not accepted on /ws/session", null);
      }
    } catch (ProtocolException e) {
      error(e.code(), e.getMessage(), null);
    } catch (RuntimeException e) {
      LOG.error("frame failed session_id={}", info == null ? null : info.sessionId(), e);
      error(ErrorCode.INTERNAL, "internal error", null);
    }
  }

  // --- handshake ---------------------------------------------------------------------------------------------------

  private void onInit(SessionInit init) {
    if (info != null || starting) {
      throw new ProtocolException(ErrorCode.WRONG_SESSION, "this socket already has a session");
    }
    if (endpoints.draining) {
      refuseWhileDraining(null);
      ws.close(GOING_AWAY, "instance shutting down");
      return;
    }
    if (init.resumeToken() != null) {
      resume(init); // a session this instance may already hold, or one whose instance died: taken even when late
      return;
    }
    if (endpoints.load.overloaded(System.currentTimeMillis())) {
      WebSocketVerticle.refuse(ws, "this instance is overloaded: try again shortly, or on another instance");
      return;
    }
    String src = init.srcLang();
    String tgt = init.tgtLang();
    if (SessionInit.AUTO.equals(src)) {
      // no recogniser identifies languages yet: auto speaks lang_a, translated into lang_b
      if (init.langA() == null) {
        throw new ProtocolException(ErrorCode.UNSUPPORTED_LANGUAGE_PAIR, "src_lang auto needs lang_a");
      }
      src = init.langA();
      tgt = init.langB() != null ? init.langB() : tgt;
    }
    if (!LANGUAGE.matcher(src).matches() || !LANGUAGE.matcher(tgt).matches()) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_LANGUAGE_PAIR, "not a language code: " + src + " / " + tgt);
    }
    AudioFormat format = AudioFormat.fromWire(init.audioFormat());
    int rate = init.sampleRate();
    if (format == AudioFormat.OPUS ? rate != 16000 : rate < 8000 || rate > 48000) {
      throw new ProtocolException(ErrorCode.BAD_AUDIO, "unsupported sample_rate " + rate + " for " + init.audioFormat());
    }
    String traceId = init.traceId() != null ? init.traceId() : Ids.token(8);
    SessionInfo created = new SessionInfo(Ids.sessionId(), Ids.resumeToken(), src, tgt, format.wireName(), rate,
        init.binaryFrames(), traceId, endpoints.instanceId, "", 0, -1, 0, 0);
    starting = true;
    endpoints.store.putSession(created)
        .compose(v -> {
          openStream(created, endpoints.instanceId);
          return attach(created, null);
        })
        .onSuccess(v -> LOG.info("session started trace_id={} session_id={} pair={}>{} format={}", traceId,
            created.sessionId(), created.srcLang(), created.tgtLang(), created.audioFormat()))
        .onFailure(e -> {
          starting = false;
          LOG.error("session not started trace_id={}", traceId, e);
          error(ErrorCode.INTERNAL, "session could not be started", null);
        });
  }

  private void resume(SessionInit init) {
    starting = true;
    endpoints.store.sessionByToken(init.resumeToken()).compose(found -> {
      if (found == null) {
        starting = false;
        error(ErrorCode.RESUME_EXPIRED, "unknown or expired resume_token: start a new session", null);
        return Future.succeededFuture();
      }
      SessionSocket previous = endpoints.sessions.get(found.sessionId());
      if (previous != null) {
        previous.ws.close(); // the client moved to this socket; the old one must not take its frames
      }
      return endpoints.store.takeSession(found.sessionId(), endpoints.instanceId).compose(taken -> {
        if (taken == null) {
          starting = false;
          error(ErrorCode.RESUME_EXPIRED, "the session ended: start a new session", null);
          return Future.succeededFuture();
        }
        // the stream of outcomes carries on here, from the owner before (another instance, perhaps a lost one)
        openStream(taken, found.ownerInstance());
        return attach(taken, init.lastUtteranceIndex() == null ? -1L : init.lastUtteranceIndex().longValue());
      });
    }).onFailure(e -> {
      starting = false;
      LOG.error("resume failed", e);
      error(ErrorCode.INTERNAL, "resume failed", null);
    });
  }

  private void openStream(SessionInfo session, String previousOwner) {
    bus.send(Addresses.RESULT_OPEN, new JsonObject().put("session_id", session.sessionId())
        .put("previous_owner", previousOwner).put("next_delivery", session.nextDelivery()), Addresses.local());
  }

  /** Takes the socket's place for the session: consumer, cutter, ack, then (on a resume) the retained outcomes. */
  private io.vertx.core.Future<Void> attach(SessionInfo session, Long resumeAfter) {
    info = session;
    meter = AudioMeter.of(AudioFormat.fromWire(session.audioFormat()), session.sampleRate());
    cutter = new Cutter(meter, config.session().maxDurationMs(), config.session().maxTurnMs(),
        () -> Ids.next("t"), session.nextUtteranceIndex());
    bucket = new TokenBucket(config.session().audioRateFactor(), config.session().audioBurstMs(),
        System.currentTimeMillis());
    lastSeq = session.lastSeq();
    held = resumeAfter != null ? new ArrayList<>() : null;
    endpoints.sessions.put(session.sessionId(), this);
    consumer = bus.localConsumer(Addresses.session(session.sessionId()), m -> deliver(m.body()));
    return consumer.completion().compose(v -> {
      starting = false;
      if (ws.isClosed()) {
        detach();
        return Future.succeededFuture();
      }
      write(new SessionInitAck(session.sessionId(), session.resumeToken(), resumeAfter != null ? lastSeq : null,
          SessionInit.PROTOCOL_VERSION, session.binaryFrames(), session.audioFormat(), session.sampleRate(),
          session.traceId()).toJson().encode());
      if (resumeAfter == null) {
        return Future.succeededFuture();
      }
      return endpoints.store.outcomesAfter(session.sessionId(), resumeAfter).map(frames -> {
        LOG.info("session resumed trace_id={} session_id={} replayed={}", session.traceId(), session.sessionId(),
            frames.size());
        for (String frame : frames) {
          write(frame);
          Integer index = outcomeIndex(frame);
          if (index != null) {
            replay.replayed(index);
          }
        }
        return (Void) null;
      }).onComplete(ar -> releaseHeld()); // a failed replay is reported, and later frames still flow
    });
  }

  private void releaseHeld() {
    List<String> later = held;
    held = null;
    if (later != null) {
      later.forEach(this::deliver);
    }
  }

  /** A frame for the browser from the bus; results are in order already, and none is written twice. */
  private void deliver(String frame) {
    if (held != null) {
      held.add(frame);
      return;
    }
    if (replay.checking()) {
      Integer index = outcomeIndex(frame);
      if (index != null && replay.isRepeat(index)) {
        LOG.debug("outcome already replayed session_id={} utterance_index={}", info.sessionId(), index);
        return;
      }
    }
    write(frame);
  }

  /** The utterance index of a job's outcome (a result or a missing_result); null for any other frame. */
  private static Integer outcomeIndex(String frame) {
    JsonObject json = new JsonObject(frame);
    String type = json.getString("type");
    boolean outcome = TranslationResult.TYPE.equals(type) || MissingResult.TYPE.equals(type);
    return outcome ? json.getInteger("utterance_index") : null;
  }

  // --- audio -------------------------------------------------------------------------------------------------------

  private void onChunk(String sessionId, long seq, boolean isFinal, byte[] payload) {
    requireSession(sessionId);
    if (endpoints.draining) {
      refuseWhileDraining(new JsonObject().put("seq", seq).put("last_seq", lastSeq));
      return;
    }
    if (mode == Mode.UTTERANCES) {
      throw new ProtocolException(ErrorCode.WRONG_SESSION, "this session sends utterances, not audio chunks");
    }
    if (seq <= lastSeq) {
      error(ErrorCode.DUPLICATE, "audio chunk seq " + seq + " was already received",
          new JsonObject().put("seq", seq).put("last_seq", lastSeq));
      return;
    }
    long micros = payload.length == 0 ? 0 : meter.durationMicros(payload);
    long now = System.currentTimeMillis();
    if (!bucket.tryTake(micros / 1000.0, now)) {
      error(ErrorCode.RATE_LIMITED, "audio arrives faster than " + config.session().audioRateFactor()
          + "x real time; chunk dropped", new JsonObject().put("seq", seq));
      return;
    }
    mode = Mode.CHUNKS;
    lastSeq = seq;
    lastChunkMs = now;
    dispatch(cutter.append(payload, isFinal));
  }

  private void onUtterance(Utterance u) {
    requireSession(u.sessionId());
    if (endpoints.draining) {
      refuseWhileDraining(new JsonObject().put("utterance_index", u.utteranceIndex()));
      return;
    }
    if (mode == Mode.CHUNKS) {
      throw new ProtocolException(ErrorCode.WRONG_SESSION, "this session streams audio chunks, not utterances");
    }
    long next = cutter.nextIndex();
    if (u.utteranceIndex() < next) {
      error(ErrorCode.DUPLICATE, "utterance " + u.utteranceIndex() + " was already received",
          new JsonObject().put("utterance_index", u.utteranceIndex()));
      return;
    }
    if (u.utteranceIndex() > next) {
      throw new ProtocolException(ErrorCode.BAD_INDEX, "utterance_index must be " + next);
    }
    if ((u.srcLang() != null && !u.srcLang().equals(info.srcLang()))
        || (u.tgtLang() != null && !u.tgtLang().equals(info.tgtLang()))) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_LANGUAGE_PAIR, "an utterance keeps the session's languages");
    }
    if ((u.audioFormat() != null && !u.audioFormat().equals(info.audioFormat()))
        || (u.sampleRate() != null && u.sampleRate() != info.sampleRate())) {
      throw new ProtocolException(ErrorCode.BAD_AUDIO, "an utterance keeps the session's audio format and rate");
    }
    long micros = u.audio().length == 0 ? 0 : meter.durationMicros(u.audio());
    if (!bucket.tryTake(micros / 1000.0, System.currentTimeMillis())) {
      error(ErrorCode.RATE_LIMITED, "audio arrives faster than " + config.session().audioRateFactor()
          + "x real time; utterance dropped", new JsonObject().put("utterance_index", u.utteranceIndex()));
      return;
    }
    mode = Mode.UTTERANCES;
    dispatch(List.of(cutter.whole(u.audio(), u.manualCut())));
  }

  private void dispatch(List<Cutter.Cut> cuts) {
    // audio still pending after a cut is the tail of the last chunk, which a resumed client must send again
    long covered = cutter.hasPendingAudio() ? lastSeq - 1 : lastSeq;
    for (Cutter.Cut c : cuts) {
      bus.send(Addresses.DISPATCH, new NewJob(info.sessionId(), c.utteranceIndex(), c.turnId(), c.segmentIndex(),
          c.kind().name(), c.audio(), info.audioFormat(), info.sampleRate(), c.durationMs(), info.srcLang(),
          info.tgtLang(), info.traceId(), covered), Addresses.local());
    }
  }

  // --- closing -----------------------------------------------------------------------------------------------------

  private void onClose(SessionClose close) {
    requireSession(close.sessionId());
    String sessionId = info.sessionId();
    if (SessionClose.ABORT.equals(close.reason())) {
      bus.send(Addresses.SESSION_ABORT, new SessionRef(sessionId, cutter.nextIndex()), Addresses.local());
      end();
      return;
    }
    dispatch(cutter.append(new byte[0], true));
    long until = cutter.nextIndex();
    DeliveryOptions wait = Addresses.local().setSendTimeout(config.result().gapTimeoutMs() + 10_000);
    bus.request(Addresses.RESULT_DRAIN, new SessionRef(sessionId, until), wait)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("session drain incomplete session_id={}: {}", sessionId, ar.cause().getMessage());
          }
          end();
        });
  }

  /** Audio (or a session) refused, changing nothing: the client resumes on another instance and resends from there. */
  private void refuseWhileDraining(JsonObject details) {
    error(ErrorCode.OVERLOADED, "this instance is shutting down: resume the session on another", details);
  }

  /**
   * This instance is shutting down: the open utterance is cut (as a timeout cut), audio that follows is refused, and
   * once that cut's outcome and every earlier one are delivered (or {@code timeoutMs} passed) the session is detached,
   * resumable elsewhere, and the socket closes as going away. Completes when the store has the detached session.
   */
  Future<Void> drain(long timeoutMs) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      if (info == null || ended || endpoints.sessions.get(info.sessionId()) != this) {
        drained.complete();
        return;
      }
      String sessionId = info.sessionId();
      dispatch(cutter.timeout());
      long until = cutter.nextIndex();
      bus.request(Addresses.RESULT_DRAIN, new SessionRef(sessionId, until),
          Addresses.local().setSendTimeout(Math.max(1, timeoutMs))).onComplete(ar -> {
            if (ar.failed()) {
              LOG.warn("session drain incomplete session_id={} until={}: {}", sessionId, until,
                  ar.cause().getMessage());
            }
            detach().onComplete(d -> {
              LOG.info("session drained session_id={} jobs={}", sessionId, until);
              ws.close(GOING_AWAY, "instance shutting down");
              drained.complete();
            });
          });
    });
    return drained.future();
  }

  /** The session is over: acknowledge, forget it everywhere, close the socket. */
  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    String sessionId = info.sessionId();
    endpoints.sessions.remove(sessionId, this);
    consumer.unregister();
    write(new SessionCloseAck(sessionId).toJson().encode());
    endpoints.store.removeSession(sessionId)
        .onComplete(ar -> bus.publish(Addresses.SESSION_ENDED, new SessionRef(sessionId, cutter.nextIndex())));
    LOG.info("session closed trace_id={} session_id={} jobs={}", info.traceId(), sessionId, cutter.nextIndex());
    ws.close();
  }

  /** The socket closed: a timeout cut for the open utterance, then the session waits for a resume. */
  void onSocketClosed() {
    if (info == null || ended) {
      return;
    }
    detach();
  }

  private Future<Void> detach() {
    String sessionId = info.sessionId();
    if (consumer != null) {
      consumer.unregister();
    }
    if (!endpoints.sessions.remove(sessionId, this)) {
      return Future.succeededFuture(); // a resume on another socket took the session already
    }
    List<Cutter.Cut> last = cutter.timeout();
    long window = config.session().resumeWindowMs();
    return endpoints.store.detachSession(sessionId, cutter.nextIndex(), lastSeq, System.currentTimeMillis(),
        endpoints.instanceId).onComplete(ar -> {
          if (ar.succeeded() && ar.result() == null) {
            // a resume on another instance took the session first: its cutter goes on from there, so the last cuts
            // here make no jobs (their indexes are the new owner's now); the turns they would have closed close as
            // they are
            LOG.info("session moved before its socket here closed session_id={} dropped_cuts={}", sessionId,
                last.size());
            last.stream().map(Cutter.Cut::turnId).distinct().forEach(turnId ->
                bus.send(Addresses.DISPATCH_CLOSE, new TurnRef(turnId, 0, null, "lease_moved"), Addresses.local()));
            return;
          }
          dispatch(last);
          SessionExpiry.expireIfAway(vertx, endpoints.store, endpoints.instanceId, sessionId, window);
        }).mapEmpty();
  }

  /** The store restarted: this socket takes its session's lease again, writing the session anew if it was lost. */
  void reassert() {
    context.runOnContext(v -> {
      if (info == null || ended || endpoints.sessions.get(info.sessionId()) != this) {
        return;
      }
      SessionInfo now = info.detached(cutter.nextIndex(), lastSeq, 0).attachedTo(endpoints.instanceId);
      // only what is still this socket's: a session another instance took meanwhile stays there
      endpoints.store.session(now.sessionId()).compose(stored -> {
        if (stored == null) {
          return endpoints.store.putSession(now);
        }
        return endpoints.instanceId.equals(stored.ownerInstance())
            ? endpoints.store.takeSession(now.sessionId(), endpoints.instanceId).mapEmpty()
            : Future.succeededFuture();
      })
          .onSuccess(x -> LOG.info("session re-asserted session_id={}", now.sessionId()))
          .onFailure(e -> LOG.error("session not re-asserted session_id={}: {}", now.sessionId(), e.getMessage()));
    });
  }

  /**
   * This instance rejoined the cluster after the others took it for lost: if another instance took the session's
   * lease meanwhile, the socket closes so the browser resumes there; a session the store lost is written again.
   */
  void checkLease() {
    context.runOnContext(v -> {
      if (info == null || ended || endpoints.sessions.get(info.sessionId()) != this) {
        return;
      }
      String sessionId = info.sessionId();
      endpoints.store.session(sessionId).onSuccess(stored -> {
        if (stored == null) {
          reassert();
        } else if (!endpoints.instanceId.equals(stored.ownerInstance())) {
          LOG.warn("session lease taken while this instance was apart session_id={} owner={}; closing its socket",
              sessionId, stored.ownerInstance());
          ws.close();
        }
      }).onFailure(e -> LOG.warn("session lease not checked session_id={}: {}", sessionId, e.getMessage()));
    });
  }

  // --- time --------------------------------------------------------------------------------------------------------

  /** Called often by the verticle: pause cuts, idle close, server heartbeats. */
  void tick(long now) {
    if (info == null || ended) {
      if (now - lastFrameMs >= config.session().idleMs()) {
        ws.close();
      }
      return;
    }
    if (mode == Mode.CHUNKS && cutter.hasOpenUtterance() && now - lastChunkMs >= config.session().pauseMs()) {
      dispatch(cutter.timeout());
    }
    if (now - lastFrameMs >= config.session().idleMs()) {
      LOG.info("session idle, closing socket session_id={}", info.sessionId());
      ws.close();
    } else if (now - lastHeartbeatSentMs >= config.session().heartbeatIntervalMs()) {
      lastHeartbeatSentMs = now;
      write(new ServerHeartbeat(info.sessionId(), now).toJson().encode());
    }
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private void requireSession(String sessionId) {
    if (info == null) {
      throw new ProtocolException(ErrorCode.WRONG_SESSION, "no session on this socket: send session_init first");
    }
    if (!info.sessionId().equals(sessionId)) {
      throw new ProtocolException(ErrorCode.WRONG_SESSION, "session_id is not this socket's session");
    }
  }

  private void error(ErrorCode code, String message, JsonObject details) {
    write(ErrorMessage.of(code, message, details).toJson().encode());
  }

  private void write(String frame) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(frame);
    }
  }
}
