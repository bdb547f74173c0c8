package dev.parley.codecs.audio;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * Decodes one mono Opus stream in the {@link OpusPackets} framing to PCM16 samples. An instance
 * keeps the decoder state between calls, so audio that arrives in several pieces decodes as one
 * continuous stream; it is not thread-safe.
 */
public final class OpusDecoding {
  public static final int DEFAULT_SAMPLE_RATE = 16_000;

  private static final int CHANNELS = 1;

  private final int sampleRate;
  private final OpusDecoder decoder;

  public OpusDecoding() {
    this(DEFAULT_SAMPLE_RATE);
  }

  /** {@code sampleRate} is the output rate: 8000, 12000, 16000, 24000 or 48000 Hz. */
  public OpusDecoding(int sampleRate) {
    this.sampleRate = requireOpusSampleRate(sampleRate);
    try {
      decoder = new OpusDecoder(sampleRate, CHANNELS);
    } catch (OpusException e) {
      throw bad("cannot decode opus at " + sampleRate + " Hz: " + e.getMessage());
    }
  }

  public int sampleRate() {
    return sampleRate;
  }

  /** Decodes {@code framed} on a fresh decoder. */
  public static short[] decodeAll(byte[] framed, int sampleRate) {
    return new OpusDecoding(sampleRate).decode(framed);
  }

  /**
   * Decodes every packet of {@code framed}, continuing the stream of the previous calls.
   *
   * @throws ProtocolException with {@link ErrorCode#BAD_AUDIO} when the framing or a packet is
   *     invalid; nothing of this call's audio is returned, and when a packet failed to decode
   *     the decoder starts afresh
   */
  public short[] decode(byte[] framed) {
    int[] offsets = OpusPackets.offsets(framed);
    // The TOC byte gives each packet's duration, so the output is sized, and every TOC checked,
    // before the first packet is decoded.
    int[] lengths = new int[offsets.length];
    int[] packetSamples = new int[offsets.length];
    long total = 0;
    for (int i = 0; i < offsets.length; i++) {
      lengths[i] = OpusPackets.packetLength(framed, offsets[i]);
      long micros = OpusPackets.packetDurationMicros(framed, offsets[i] + OpusPackets.PREFIX_BYTES, lengths[i]);
      packetSamples[i] = (int) (micros * sampleRate / 1_000_000);
      total += packetSamples[i];
    }
    if (total > Integer.MAX_VALUE) {
      throw bad("opus audio too long to decode in one piece: " + total + " samples");
    }
    short[] out = new short[(int) total];
    int written = 0;
    for (int i = 0; i < offsets.length; i++) {
      written += decodePacket(framed, offsets[i], lengths[i], packetSamples[i], out, written);
    }
    return out;
  }

  private int decodePacket(byte[] framed, int boundary, int length, int expectedSamples, short[] out, int outOffset) {
    int decoded;
    try {
      decoded = decoder.decode(framed, boundary + OpusPackets.PREFIX_BYTES, length, out, outOffset, expectedSamples, false);
    } catch (OpusException | RuntimeException | AssertionError e) {
      // Concentus reports malformed packets with OpusException, but its internal checks on
      // corrupt data surface as runtime exceptions or AssertionError; either way the state is
      // suspect, so it is reset.
      decoder.resetState();
      throw bad("undecodable opus packet at offset " + boundary + ": " + describe(e));
    }
    if (decoded != expectedSamples) {
      decoder.resetState();
      throw bad("opus packet at offset " + boundary + " decoded to " + decoded + " samples, its TOC says " + expectedSamples);
    }
    return decoded;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() + " in the decoder" : message;
  }

  /** The rates an Opus decoder or encoder runs at (RFC 6716 section 2). */
  static boolean isOpusSampleRate(int sampleRate) {
    return switch (sampleRate) {
      case 8_000, 12_000, 16_000, 24_000, 48_000 -> true;
      default -> false;
    };
  }

  private static int requireOpusSampleRate(int sampleRate) {
    if (!isOpusSampleRate(sampleRate)) {
      throw bad("opus sample_rate must be 8000, 12000, 16000, 24000 or 48000, got " + sampleRate);
    }
    return sampleRate;
  }

  private static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_AUDIO, message);
  }
}
