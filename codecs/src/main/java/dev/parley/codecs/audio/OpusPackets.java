package dev.parley.codecs.audio;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import java.util.List;

/**
 * Opus "length-prefixed packets": each packet preceded by its length as an unsigned 16-bit
 * little-endian integer, packets concatenated. Offsets returned here are packet boundaries, the
 * positions of length prefixes; the packet at boundary {@code b} starts at {@code b + 2}.
 */
public final class OpusPackets {
  public static final int PREFIX_BYTES = 2;
  public static final int MAX_PACKET_BYTES = 0xFFFF;
  public static final long MAX_PACKET_MICROS = 120_000;

  private static final int[] SILK_MICROS = {10_000, 20_000, 40_000, 60_000};
  private static final int[] CELT_MICROS = {2_500, 5_000, 10_000, 20_000};
  private static final byte[] SILENCE_20MS = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};

  private OpusPackets() {}

  /** Validates the framing and returns the boundary of every packet, in order. */
  public static int[] offsets(byte[] framed) {
    int count = 0;
    for (int pos = 0; pos < framed.length; pos += PREFIX_BYTES + packetLength(framed, pos)) {
      count++;
    }
    int[] offsets = new int[count];
    for (int i = 0, pos = 0; i < count; i++, pos += PREFIX_BYTES + packetLength(framed, pos)) {
      offsets[i] = pos;
    }
    return offsets;
  }

  /**
   * Length of the packet whose prefix starts at {@code boundary}, checking that the prefix and the
   * packet are complete and the packet is not empty.
   */
  public static int packetLength(byte[] framed, int boundary) {
    if (boundary > framed.length - PREFIX_BYTES) {
      throw bad("truncated opus length prefix at offset " + boundary);
    }
    int length = (framed[boundary] & 0xFF) | (framed[boundary + 1] & 0xFF) << 8;
    if (length == 0) {
      throw bad("zero-length opus packet at offset " + boundary);
    }
    int left = framed.length - boundary - PREFIX_BYTES;
    if (length > left) {
      throw bad("truncated opus packet at offset " + boundary + ": length " + length + ", " + left + " bytes left");
    }
    return length;
  }

  /** Duration of one Opus packet from its TOC byte (RFC 6716 section 3.1). */
  public static long packetDurationMicros(byte[] buf, int packetOffset, int packetLength) {
    if (packetLength < 1) {
      throw bad("empty opus packet");
    }
    int toc = buf[packetOffset] & 0xFF;
    int config = toc >>> 3;
    int frameMicros;
    if (config < 12) {
      frameMicros = SILK_MICROS[config & 3];
    } else if (config < 16) {
      frameMicros = (config & 1) == 0 ? 10_000 : 20_000;
    } else {
      frameMicros = CELT_MICROS[config & 3];
    }
    int frames;
    switch (toc & 3) {
      case 0:
        frames = 1;
        break;
      case 1:
      case 2:
        frames = 2;
        break;
      default:
        if (packetLength < 2) {
          throw bad("opus code 3 packet without a frame count byte");
        }
        frames = buf[packetOffset + 1] & 0x3F;
        if (frames == 0) {
          throw bad("opus code 3 packet with a frame count of 0");
        }
    }
    long micros = (long) frames * frameMicros;
    if (micros > MAX_PACKET_MICROS) {
      throw bad("opus packet lasts " + micros + " us, more than 120 ms");
    }
    return micros;
  }

  /** Validates the framing and every TOC byte, and returns the total duration. */
  public static long durationMicros(byte[] framed) {
    long total = 0;
    int pos = 0;
    while (pos < framed.length) {
      int length = packetLength(framed, pos);
      total += packetDurationMicros(framed, pos + PREFIX_BYTES, length);
      pos += PREFIX_BYTES + length;
    }
    return total;
  }

  /**
   * The end of the longest run of whole packets from the start whose duration is at most {@code
   * maxMicros}: the boundary of the first packet that would exceed it, or {@code framed.length}
   * when everything fits. Only the packets before the returned offset (and the one at it) are
   * validated.
   */
  public static int splitOffset(byte[] framed, long maxMicros) {
    long total = 0;
    int pos = 0;
    while (pos < framed.length) {
      int length = packetLength(framed, pos);
      total += packetDurationMicros(framed, pos + PREFIX_BYTES, length);
      if (total > maxMicros) {
        return pos;
      }
      pos += PREFIX_BYTES + length;
    }
    return framed.length;
  }

  public static byte[] frame(List<byte[]> packets) {
    int size = 0;
    for (byte[] p : packets) {
      if (p.length < 1 || p.length > MAX_PACKET_BYTES) {
        throw new IllegalArgumentException("opus packet length " + p.length + " outside 1.." + MAX_PACKET_BYTES);
      }
      size = Math.addExact(size, PREFIX_BYTES + p.length);
    }
    byte[] out = new byte[size];
    int pos = 0;
    for (byte[] p : packets) {
      out[pos] = (byte) p.length;
      out[pos + 1] = (byte) (p.length >>> 8);
      System.arraycopy(p, 0, out, pos + PREFIX_BYTES, p.length);
      pos += PREFIX_BYTES + p.length;
    }
    return out;
  }

  /** A 20 ms silent packet: TOC 0xF8 (config 31, CELT fullband 20 ms, mono, code 0). */
  public static byte[] silencePacket20ms() {
    return SILENCE_20MS.clone();
  }

  /** {@code millis} of framed silent packets; {@code millis} must be a non-negative multiple of 20. */
  public static byte[] framedSilence(int millis) {
    if (millis < 0 || millis % 20 != 0) {
      throw new IllegalArgumentException("millis must be a non-negative multiple of 20, got " + millis);
    }
    int step = PREFIX_BYTES + SILENCE_20MS.length;
    byte[] out = new byte[millis / 20 * step];
    for (int pos = 0; pos < out.length; pos += step) {
      out[pos] = (byte) SILENCE_20MS.length;
      System.arraycopy(SILENCE_20MS, 0, out, pos + PREFIX_BYTES, SILENCE_20MS.length);
    }
    return out;
  }

  private static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_AUDIO, message);
  }
}
