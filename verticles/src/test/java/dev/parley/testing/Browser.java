package dev.parley.testing;

import dev.parley.codecs.audio.OpusPackets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/** A browser or API client as a protocol peer on {@code /ws/session}. */
public final class Browser implements AutoCloseable {
  public final Peer peer;
  public String sessionId;
  public String resumeToken;

  private Browser(Peer peer) {
    this.peer = peer;
  }

  public static Browser connect(Vertx vertx, int port) {
    return new Browser(Peer.connect(vertx, port, "/ws/session"));
  }

  /** Starts an Opus session en -> es and waits for its ack. */
  public Browser start() {
    return start(new JsonObject().put("src_lang", "en").put("tgt_lang", "es").put("audio_format", "opus"));
  }

  public Browser start(JsonObject init) {
    peer.send(init.copy().put("type", "session_init"));
    JsonObject ack = peer.await("session_init_ack");
    sessionId = ack.getString("session_id");
    resumeToken = ack.getString("resume_token");
    return this;
  }

  /** One audio_chunk of {@code ms} milliseconds of Opus (a multiple of 20). */
  public void chunk(long seq, int ms, boolean isFinal) {
    peer.send(new JsonObject().put("type", "audio_chunk").put("session_id", sessionId).put("seq", seq)
        .put("is_final", isFinal).put("payload", b64(ms == 0 ? new byte[0] : OpusPackets.framedSilence(ms))));
  }

  /** One whole utterance of {@code ms} milliseconds of Opus. */
  public void utterance(int index, int ms, boolean manualCut) {
    peer.send(new JsonObject().put("type", "utterance").put("session_id", sessionId).put("utterance_index", index)
        .put("manual_cut", manualCut).put("audio", b64(OpusPackets.framedSilence(ms))));
  }

  public JsonObject awaitResult(int utteranceIndex) {
    return peer.await(f -> "translation_result".equals(f.getString("type"))
        && f.getInteger("utterance_index") == utteranceIndex, Peer.WAIT, "translation_result " + utteranceIndex);
  }

  public static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public void close() {
    peer.close();
  }
}
