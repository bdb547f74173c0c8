package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** One JSON frame of the wire protocol (PROTOCOL.md). Decode with {@link Messages}. */
public sealed interface Message
    permits SessionInit,
        SessionInitAck,
        AudioChunk,
        Utterance,
        ClientHeartbeat,
        TtsStarted,
        TtsPlayEnded,
        SessionClose,
        TranslationResult,
        AsrPartial,
        MissingResult,
        UiEvent,
        ServerHeartbeat,
        SessionCloseAck,
        ErrorMessage,
        NodeRegister,
        NodeHeartbeat,
        JobAck,
        JobStarted,
        JobResult,
        NodeError,
        NodeRegisterAck,
        JobAssign,
        JobCancel,
        NodeControl {

  /** The wire {@code type}. */
  String type();

  /** The frame as JSON, {@code type} included, null optional fields omitted. */
  JsonObject toJson();
}
