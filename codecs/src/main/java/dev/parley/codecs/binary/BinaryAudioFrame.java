package dev.parley.codecs.binary;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A binary session frame, little-endian. Audio chunk: {@code u8 type=0x01, u8 session_id_len, u32
 * seq, u32 timestamp_ms, u8 is_final, u8 reserved}, session id (UTF-8), audio bytes. Final: {@code
 * u8 type=0x02, u8 session_id_len, u32 seq, u32 timestamp_ms}, session id; it is always final and
 * carries no audio.
 */
public record BinaryAudioFrame(int kind, String sessionId, long seq, long timestampMs, boolean isFinal, byte[] audio) {
  public static final int KIND_AUDIO = 0x01;
  public static final int KIND_FINAL = 0x02;
  public static final int AUDIO_HEADER_BYTES = 12;
  public static final int FINAL_HEADER_BYTES = 10;

  private static final long MAX_U32 = 0xFFFF_FFFFL;
  private static final byte[] NO_AUDIO = new byte[0];

  public BinaryAudioFrame {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(audio, "audio");
    if (kind != KIND_AUDIO && kind != KIND_FINAL) {
      throw new IllegalArgumentException("unknown frame kind " + kind);
    }
    if (kind == KIND_FINAL && (!isFinal || audio.length != 0)) {
      throw new IllegalArgumentException("a final frame is final and carries no audio");
    }
    if (seq < 0 || seq > MAX_U32 || timestampMs < 0 || timestampMs > MAX_U32) {
      throw new IllegalArgumentException("seq and timestampMs must fit in an unsigned 32-bit integer");
    }
  }

  public static BinaryAudioFrame audio(String sessionId, long seq, long timestampMs, boolean isFinal, byte[] audio) {
    return new BinaryAudioFrame(KIND_AUDIO, sessionId, seq, timestampMs, isFinal, audio);
  }

  public static BinaryAudioFrame finalFrame(String sessionId, long seq, long timestampMs) {
    return new BinaryAudioFrame(KIND_FINAL, sessionId, seq, timestampMs, true, NO_AUDIO);
  }

  /**
   * Decodes a frame. The reserved byte is ignored; an {@code is_final} byte other than 0 or 1, or
   * bytes after the session id of a final frame, are rejected. An empty session id is well-formed
   * here and left for the session to refuse.
   */
  public static BinaryAudioFrame decode(Buffer buf) {
    int length = buf.length();
    if (length == 0) {
      throw bad("empty binary frame");
    }
    int kind = buf.getUnsignedByte(0);
    int header;
    if (kind == KIND_AUDIO) {
      header = AUDIO_HEADER_BYTES;
    } else if (kind == KIND_FINAL) {
      header = FINAL_HEADER_BYTES;
    } else {
      throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown binary frame type 0x" + Integer.toHexString(kind));
    }
    if (length < header) {
      throw bad("binary frame too short: " + length + " bytes, its header needs " + header);
    }
    int idLength = buf.getUnsignedByte(1);
    int audioStart = header + idLength;
    if (audioStart > length) {
      throw bad("session_id length " + idLength + " runs past the end of the frame");
    }
    long seq = buf.getUnsignedIntLE(2);
    long timestampMs = buf.getUnsignedIntLE(6);
    String sessionId = decodeSessionId(buf.getBytes(header, audioStart));
    if (kind == KIND_FINAL) {
      if (audioStart != length) {
        throw bad("final frame has " + (length - audioStart) + " bytes after the session_id");
      }
      return new BinaryAudioFrame(KIND_FINAL, sessionId, seq, timestampMs, true, NO_AUDIO);
    }
    int finalFlag = buf.getUnsignedByte(10);
    if (finalFlag > 1) {
      throw bad("is_final must be 0 or 1, got " + finalFlag);
    }
    byte[] audio = audioStart == length ? NO_AUDIO : buf.getBytes(audioStart, length);
    return new BinaryAudioFrame(KIND_AUDIO, sessionId, seq, timestampMs, finalFlag == 1, audio);
  }

  public Buffer encode() {
    byte[] id = sessionId.getBytes(StandardCharsets.UTF_8);
    if (id.length > 0xFF) {
      throw new IllegalArgumentException("session id is " + id.length + " bytes in UTF-8, at most 255 fit");
    }
    int header = kind == KIND_AUDIO ? AUDIO_HEADER_BYTES : FINAL_HEADER_BYTES;
    Buffer out = Buffer.buffer(header + id.length + audio.length)
        .appendUnsignedByte((short) kind)
        .appendUnsignedByte((short) id.length)
        .appendUnsignedIntLE(seq)
        .appendUnsignedIntLE(timestampMs);
    if (kind == KIND_AUDIO) {
      out.appendUnsignedByte((short) (isFinal ? 1 : 0)).appendUnsignedByte((short) 0);
    }
    return out.appendBytes(id).appendBytes(audio);
  }

  private static String decodeSessionId(byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw bad("session_id is not valid UTF-8");
    }
  }

  private static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_AUDIO, message);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryAudioFrame f
        && kind == f.kind
        && seq == f.seq
        && timestampMs == f.timestampMs
        && isFinal == f.isFinal
        && sessionId.equals(f.sessionId)
        && Arrays.equals(audio, f.audio);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(kind, sessionId, seq, timestampMs, isFinal) + Arrays.hashCode(audio);
  }

  @Override
  public String toString() {
    return "BinaryAudioFrame[kind=" + kind + ", sessionId=" + sessionId + ", seq=" + seq + ", timestampMs="
        + timestampMs + ", isFinal=" + isFinal + ", audio=" + audio.length + " bytes]";
  }
}
