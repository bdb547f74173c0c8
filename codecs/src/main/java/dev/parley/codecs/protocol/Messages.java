package dev.parley.codecs.protocol;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Entry points for decoding frames of either endpoint into {@link Message}s. */
public final class Messages {

  private Messages() {}

  /**
   * Parses one text frame. Anything that is not a JSON object is {@code BAD_JSON}; see {@link
   * #decode} for the rest.
   */
  public static Message parse(String text) {
    return decode(object(text));
  }

  /** Parses a text frame into its JSON object, without decoding it; anything else is {@code BAD_JSON}. */
  public static JsonObject object(String text) {
    if (text == null) {
      throw notAnObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw notAnObject();
    }
  }

  /** Playback reports are accepted and never answered with an error, even when malformed. */
  public static boolean isPlaybackReport(JsonObject json) {
    Object type = json.getValue("type");
    return TtsStarted.TYPE.equals(type) || TtsPlayEnded.TYPE.equals(type);
  }

  /** Decodes a frame by its {@code type}; throws {@link ProtocolException} for a bad frame. */
  public static Message decode(JsonObject json) {
    String type = Fields.str(json, "type");
    return switch (type) {
      case SessionInit.TYPE -> SessionInit.fromJson(json);
      case SessionInitAck.TYPE -> SessionInitAck.fromJson(json);
      case AudioChunk.TYPE -> AudioChunk.fromJson(json);
      case Utterance.TYPE -> Utterance.fromJson(json);
      case ClientHeartbeat.TYPE -> ClientHeartbeat.fromJson(json);
      case TtsStarted.TYPE -> TtsStarted.fromJson(json);
      case TtsPlayEnded.TYPE -> TtsPlayEnded.fromJson(json);
      case SessionClose.TYPE -> SessionClose.fromJson(json);
      case TranslationResult.TYPE -> TranslationResult.fromJson(json);
      case AsrPartial.TYPE -> AsrPartial.fromJson(json);
      case MissingResult.TYPE -> MissingResult.fromJson(json);
      case UiEvent.TYPE -> UiEvent.fromJson(json);
      case ServerHeartbeat.TYPE -> ServerHeartbeat.fromJson(json);
      case SessionCloseAck.TYPE -> SessionCloseAck.fromJson(json);
      case ErrorMessage.TYPE -> ErrorMessage.fromJson(json);
      case NodeRegister.TYPE -> NodeRegister.fromJson(json);
      case NodeHeartbeat.TYPE -> NodeHeartbeat.fromJson(json);
      case JobAck.TYPE -> JobAck.fromJson(json);
      case JobStarted.TYPE -> JobStarted.fromJson(json);
      case JobResult.TYPE -> JobResult.fromJson(json);
      case NodeError.TYPE -> NodeError.fromJson(json);
      case NodeRegisterAck.TYPE -> NodeRegisterAck.fromJson(json);
      case JobAssign.TYPE -> JobAssign.fromJson(json);
      case JobCancel.TYPE -> JobCancel.fromJson(json);
      case NodeControl.TYPE -> NodeControl.fromJson(json);
      default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown type " + type);
    };
  }

  private static ProtocolException notAnObject() {
    return new ProtocolException(ErrorCode.BAD_JSON, "frame is not a JSON object");
  }
}
