package dev.parley.node;

import java.util.Arrays;
import java.util.Random;

/** Builds 16 kHz test audio from tones, silence and noise of exact lengths. */
final class TestSignal {
  static final int RATE = 16_000;
  static final int LOUD = 8000;
  /** 400 Hz repeats every 40 samples, which divides a 100 ms window: every whole window of a tone has the same RMS. */
  private static final int TONE_PERIOD = RATE / 400;

  private final Random random = new Random(7);
  private short[] samples = new short[RATE];
  private int length;

  static int samplesIn(int ms) {
    return ms * RATE / 1000;
  }

  TestSignal tone(int ms) {
    return tone(ms, LOUD);
  }

  TestSignal tone(int ms, int amplitude) {
    for (int i = 0, n = samplesIn(ms); i < n; i++) {
      double phase = 2 * Math.PI * (length % TONE_PERIOD) / TONE_PERIOD;
      append(Math.round(amplitude * Math.sin(phase)));
    }
    return this;
  }

  TestSignal silence(int ms) {
    return samples(samplesIn(ms), 0);
  }

  /** Random samples within +-amplitude. */
  TestSignal noise(int ms, int amplitude) {
    for (int i = 0, n = samplesIn(ms); i < n; i++) {
      append(random.nextInt(2 * amplitude + 1) - amplitude);
    }
    return this;
  }

  /** Samples alternating between +amplitude and -amplitude: an RMS of exactly the amplitude. */
  TestSignal hum(int ms, int amplitude) {
    for (int i = 0, n = samplesIn(ms); i < n; i++) {
      append(i % 2 == 0 ? amplitude : -amplitude);
    }
    return this;
  }

  TestSignal samples(int count, int value) {
    for (int i = 0; i < count; i++) {
      append(value);
    }
    return this;
  }

  short[] build() {
    return Arrays.copyOf(samples, length);
  }

  private void append(long value) {
    if (length == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[length++] = (short) value;
  }
}
