package dev.parley.store;

/**
 * A session as stored: what a resume needs (languages, format, where its cutter stood), its owner, whether a socket
 * is attached ({@code detachedAtMs} is 0 while one is), the context text for its next job, and {@code nextDelivery},
 * the index after the last outcome its owner delivered, from which a new owner carries on.
 */
public record SessionInfo(
    String sessionId,
    String resumeToken,
    String srcLang,
    String tgtLang,
    String audioFormat,
    int sampleRate,
    boolean binaryFrames,
    String traceId,
    String ownerInstance,
    String contextText,
    long nextUtteranceIndex,
    long lastSeq,
    long detachedAtMs,
    long nextDelivery) {

  public SessionInfo withContext(String text) {
    return new SessionInfo(sessionId, resumeToken, srcLang, tgtLang, audioFormat, sampleRate, binaryFrames, traceId,
        ownerInstance, text, nextUtteranceIndex, lastSeq, detachedAtMs, nextDelivery);
  }

  public SessionInfo attachedTo(String instance) {
    return new SessionInfo(sessionId, resumeToken, srcLang, tgtLang, audioFormat, sampleRate, binaryFrames, traceId,
        instance, contextText, nextUtteranceIndex, lastSeq, 0, nextDelivery);
  }

  public SessionInfo detached(long nextIndex, long seq, long atMs) {
    return new SessionInfo(sessionId, resumeToken, srcLang, tgtLang, audioFormat, sampleRate, binaryFrames, traceId,
        ownerInstance, contextText, nextIndex, seq, atMs, nextDelivery);
  }

  /**
   * Taken by another instance, which goes on from the newest job (its index and seq) when that is further. The
   * session's own seq counts only when it was detached, which cut all it had received.
   */
  public SessionInfo ownedBy(String instance, long nextIndex, long seq) {
    long covered = detachedAtMs > 0 ? Math.max(lastSeq, seq) : seq;
    return new SessionInfo(sessionId, resumeToken, srcLang, tgtLang, audioFormat, sampleRate, binaryFrames, traceId,
        instance, contextText, Math.max(nextUtteranceIndex, nextIndex), covered, detachedAtMs, nextDelivery);
  }

  public SessionInfo deliveredTo(long index) {
    return new SessionInfo(sessionId, resumeToken, srcLang, tgtLang, audioFormat, sampleRate, binaryFrames, traceId,
        ownerInstance, contextText, nextUtteranceIndex, lastSeq, detachedAtMs, Math.max(nextDelivery, index + 1));
  }
}
