package dev.parley.codecs.audio;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** RIFF/WAVE with 16-bit PCM samples. */
public final class Wav {
  public static final int HEADER_BYTES = 44;

  private static final int RIFF = fourCc("RIFF");
  private static final int WAVE = fourCc("WAVE");
  private static final int FMT = fourCc("fmt ");
  private static final int DATA = fourCc("data");
  private static final int FORMAT_PCM = 1;
  private static final int FORMAT_EXTENSIBLE = 0xFFFE;

  private Wav() {}

  /**
   * A decoded file. {@code samples} are always mono; {@code channels} is the channel count of the
   * source, whose channels were averaged when it was stereo.
   */
  public record Decoded(short[] samples, int sampleRate, int channels) {}

  /** A mono PCM16 file with the canonical 44-byte header. */
  public static byte[] write(short[] samples, int sampleRate) {
    Pcm16.requireSampleRate(sampleRate);
    int dataBytes = samples.length * 2;
    ByteBuffer out = header(dataBytes, sampleRate);
    out.asShortBuffer().put(samples);
    return out.array();
  }

  /** Puts a mono PCM16 header in front of {@code pcm16le}. */
  public static byte[] wrap(byte[] pcm16le, int sampleRate) {
    Pcm16.validate(pcm16le);
    Pcm16.requireSampleRate(sampleRate);
    ByteBuffer out = header(pcm16le.length, sampleRate);
    out.put(pcm16le);
    return out.array();
  }

  private static ByteBuffer header(int dataBytes, int sampleRate) {
    if (dataBytes > Integer.MAX_VALUE - HEADER_BYTES) {
      throw new IllegalArgumentException("audio too long for one WAV file");
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(RIFF).putInt(36 + dataBytes).putInt(WAVE);
    b.putInt(FMT).putInt(16);
    b.putShort((short) FORMAT_PCM).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2);
    b.putShort((short) 2).putShort((short) 16);
    b.putInt(DATA).putInt(dataBytes);
    return b;
  }

  /**
   * Parses a PCM16 WAV file, mono or stereo (down-mixed to mono).
   *
   * <p>Chunks other than {@code fmt } and {@code data} are skipped, honouring the pad byte after an
   * odd-sized chunk. The RIFF size field is not trusted: streaming writers often leave it (and the
   * data size) as 0 or 0xFFFFFFFF, so the chunks are read up to the end of the array. A data chunk
   * that claims more bytes than the file holds is clamped to the bytes present, and a trailing
   * partial sample frame is dropped, so that a cut-off recording still decodes.
   */
  public static Decoded read(byte[] wav) {
    if (wav.length < 12) {
      throw bad("truncated WAV: " + wav.length + " bytes, a RIFF header needs 12");
    }
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != RIFF || b.getInt(8) != WAVE) {
      throw bad("not a RIFF/WAVE file");
    }
    int channels = 0;
    int sampleRate = 0;
    int dataOffset = -1;
    int dataLength = 0;
    long pos = 12;
    while (channels == 0 || dataOffset < 0) {
      if (pos >= wav.length) {
        throw bad(channels == 0 ? "missing fmt chunk" : "missing data chunk");
      }
      if (pos + 8 > wav.length) {
        throw bad("truncated chunk header at offset " + pos);
      }
      int at = (int) pos;
      int id = b.getInt(at);
      long size = Integer.toUnsignedLong(b.getInt(at + 4));
      int body = at + 8;
      long available = wav.length - body;
      if (id == DATA && dataOffset < 0) {
        dataOffset = body;
        dataLength = (int) Math.min(size, available);
      } else if (size > available) {
        // Unlike data, a cut-off header chunk cannot be used.
        throw bad("truncated " + chunkName(id) + " chunk: declares " + size + " bytes, " + available + " present");
      } else if (id == FMT) {
        if (channels != 0) {
          throw bad("duplicate fmt chunk");
        }
        if (size < 16) {
          throw bad("fmt chunk too short: " + size + " bytes");
        }
        checkPcm16(b, body, size);
        channels = b.getShort(body + 2) & 0xFFFF;
        long rate = Integer.toUnsignedLong(b.getInt(body + 4));
        if (channels != 1 && channels != 2) {
          throw bad("unsupported channel count " + channels + ", expected 1 or 2");
        }
        if (rate == 0 || rate > Integer.MAX_VALUE) {
          throw bad("invalid sample rate " + rate);
        }
        sampleRate = (int) rate;
      }
      pos = body + size + (size & 1);
    }
    return new Decoded(samples(b, dataOffset, dataLength, channels), sampleRate, channels);
  }

  private static void checkPcm16(ByteBuffer b, int body, long size) {
    int format = b.getShort(body) & 0xFFFF;
    // WAVE_FORMAT_EXTENSIBLE carries the real format in the first two bytes of its sub-format GUID.
    if (format == FORMAT_EXTENSIBLE && size >= 40) {
      format = b.getShort(body + 24) & 0xFFFF;
    }
    if (format != FORMAT_PCM) {
      throw bad("unsupported WAV format " + format + ", expected PCM (1)");
    }
    int bits = b.getShort(body + 14) & 0xFFFF;
    if (bits != 16) {
      throw bad("unsupported " + bits + "-bit samples, expected 16-bit");
    }
  }

  private static short[] samples(ByteBuffer b, int offset, int length, int channels) {
    int frames = length / (2 * channels);
    short[] out = new short[frames];
    if (channels == 1) {
      b.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(offset).asShortBuffer().get(out);
      return out;
    }
    for (int i = 0, p = offset; i < frames; i++, p += 4) {
      out[i] = (short) ((b.getShort(p) + b.getShort(p + 2)) >> 1);
    }
    return out;
  }

  /**
   * Resamples mono audio by linear interpolation; the output holds {@code in.length * toRate /
   * fromRate} samples (rounded down). Returns {@code in} itself when the rates are equal.
   */
  public static short[] resample(short[] in, int fromRate, int toRate) {
    Pcm16.requireSampleRate(fromRate);
    Pcm16.requireSampleRate(toRate);
    if (fromRate == toRate) {
      return in;
    }
    int n = (int) ((long) in.length * toRate / fromRate);
    short[] out = new short[n];
    int last = in.length - 1;
    for (int i = 0; i < n; i++) {
      // Source position i * fromRate / toRate, kept exact as index + rem / toRate.
      long num = (long) i * fromRate;
      int index = (int) (num / toRate);
      long rem = num - (long) index * toRate;
      int s0 = in[index];
      int s1 = index < last ? in[index + 1] : s0;
      out[i] = (short) (s0 + Math.round((double) (s1 - s0) * rem / toRate));
    }
    return out;
  }

  private static int fourCc(String s) {
    return (s.charAt(0)) | (s.charAt(1) << 8) | (s.charAt(2) << 16) | (s.charAt(3) << 24);
  }

  private static String chunkName(int id) {
    char[] c = new char[4];
    for (int i = 0; i < 4; i++) {
      int ch = (id >>> (8 * i)) & 0xFF;
      c[i] = ch >= 0x20 && ch < 0x7F ? (char) ch : '?';
    }
    return "'" + new String(c) + "'";
  }

  private static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_AUDIO, message);
  }
}
