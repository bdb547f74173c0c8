package dev.parley.codecs.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes mono PCM16 speech to Opus in the {@link OpusPackets} framing, one 20 ms frame per
 * packet. An instance encodes one stream chunk by chunk, carrying samples that do not fill a
 * frame over to the next call; it is not thread-safe.
 */
public final class OpusEncoding {
  public static final int FRAME_MILLIS = Pcm16.FRAME_MILLIS;
  /** Wideband speech is clear at this rate. */
  public static final int BITRATE_BPS = 24_000;
  /** Mid-range (0..10): near the best quality for speech at a fraction of the cost of 10. */
  public static final int COMPLEXITY = 5;

  /** The largest packet holding a single frame (RFC 6716 section 3.2.1). */
  private static final int MAX_PACKET_BYTES = 1275;
  private static final int CHANNELS = 1;

  private final OpusEncoder encoder;
  private final short[] frame;
  private final byte[] packet = new byte[MAX_PACKET_BYTES];
  private int buffered;

  /** {@code sampleRate} is the input rate: 8000, 12000, 16000, 24000 or 48000 Hz. */
  public OpusEncoding(int sampleRate) {
    if (!OpusDecoding.isOpusSampleRate(sampleRate)) {
      throw new IllegalArgumentException("opus sample rate must be 8000, 12000, 16000, 24000 or 48000, got " + sampleRate);
    }
    try {
      encoder = new OpusEncoder(sampleRate, CHANNELS, OpusApplication.OPUS_APPLICATION_VOIP);
    } catch (OpusException e) {
      throw new IllegalStateException("cannot create an opus encoder at " + sampleRate + " Hz", e);
    }
    encoder.setBitrate(BITRATE_BPS);
    encoder.setComplexity(COMPLEXITY);
    encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
    frame = new short[sampleRate * FRAME_MILLIS / 1000];
  }

  /** The whole of {@code samples}, the last partial frame padded with silence. */
  public static byte[] encode(short[] samples, int sampleRate) {
    OpusEncoding encoding = new OpusEncoding(sampleRate);
    byte[] body = encoding.encode(samples);
    byte[] tail = encoding.flush();
    if (tail.length == 0) {
      return body;
    }
    byte[] out = Arrays.copyOf(body, body.length + tail.length);
    System.arraycopy(tail, 0, out, body.length, tail.length);
    return out;
  }

  /** The packets of every frame completed by {@code chunk}; the samples left over wait for the next call. */
  public byte[] encode(short[] chunk) {
    List<byte[]> packets = new ArrayList<>(chunk.length / frame.length + 1);
    int pos = 0;
    while (pos < chunk.length) {
      int n = Math.min(frame.length - buffered, chunk.length - pos);
      System.arraycopy(chunk, pos, frame, buffered, n);
      buffered += n;
      pos += n;
      if (buffered == frame.length) {
        packets.add(encodeFrame());
      }
    }
    return OpusPackets.frame(packets);
  }

  /** The packet of the samples left over, padded with silence to a whole frame; empty when none are. */
  public byte[] flush() {
    if (buffered == 0) {
      return new byte[0];
    }
    Arrays.fill(frame, buffered, frame.length, (short) 0);
    buffered = frame.length;
    return OpusPackets.frame(List.of(encodeFrame()));
  }

  private byte[] encodeFrame() {
    buffered = 0;
    int length;
    try {
      length = encoder.encode(frame, 0, frame.length, packet, 0, packet.length);
    } catch (OpusException e) {
      throw new IllegalStateException("opus encoding failed", e);
    }
    return Arrays.copyOf(packet, length);
  }
}
