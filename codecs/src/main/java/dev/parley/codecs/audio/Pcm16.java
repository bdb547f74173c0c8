package dev.parley.codecs.audio;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Signed 16-bit little-endian mono PCM. */
public final class Pcm16 {
  /** Cuts fall on 20 ms boundaries, the frame size used across the protocol. */
  public static final int FRAME_MILLIS = 20;

  private Pcm16() {}

  /** Duration of {@code byteLength} bytes of audio, in whole microseconds (rounded down). */
  public static long durationMicros(int byteLength, int sampleRate) {
    requireSampleRate(sampleRate);
    long samples = byteLength / 2;
    return samples * 1_000_000L / sampleRate;
  }

  public static short[] toSamples(byte[] le) {
    validate(le);
    short[] samples = new short[le.length / 2];
    ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
    return samples;
  }

  public static byte[] toBytes(short[] samples) {
    byte[] out = new byte[samples.length * 2];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(samples);
    return out;
  }

  /** Bytes holding {@code ms} milliseconds of audio: whole samples only (rounded down), 2 bytes each. */
  public static int bytesForMillis(int ms, int sampleRate) {
    requireSampleRate(sampleRate);
    if (ms < 0) {
      throw new IllegalArgumentException("negative duration " + ms + " ms");
    }
    return Math.toIntExact((long) ms * sampleRate / 1000 * 2);
  }

  public static void validate(byte[] audio) {
    if ((audio.length & 1) != 0) {
      throw new ProtocolException(ErrorCode.BAD_AUDIO, "pcm16 audio must have an even number of bytes");
    }
  }

  /**
   * Where to cut {@code byteLength} bytes of audio so that the head lasts at most {@code maxMicros}
   * (as measured by {@link #durationMicros}): the largest multiple of the 20 ms frame size whose
   * duration fits, or {@code byteLength} when everything fits.
   */
  public static int splitOffset(int byteLength, int sampleRate, long maxMicros) {
    if (maxMicros < 0) {
      throw new IllegalArgumentException("negative maxMicros " + maxMicros);
    }
    if (durationMicros(byteLength, sampleRate) <= maxMicros) {
      return byteLength;
    }
    // Here maxMicros is below the whole duration (< 2^31 / rate seconds), so nothing overflows.
    // k frames fit when floor(k * frameSamples * 1e6 / rate) <= maxMicros,
    // i.e. k * frameSamples * 1e6 <= (maxMicros + 1) * rate - 1.
    long frameSamples = Math.max(1, sampleRate * FRAME_MILLIS / 1000);
    long frames = ((maxMicros + 1) * sampleRate - 1) / (frameSamples * 1_000_000L);
    return (int) (frames * frameSamples * 2);
  }

  static void requireSampleRate(int sampleRate) {
    if (sampleRate <= 0) {
      throw new ProtocolException(ErrorCode.BAD_AUDIO, "sample_rate must be positive, got " + sampleRate);
    }
  }
}
