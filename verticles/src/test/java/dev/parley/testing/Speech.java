package dev.parley.testing;

import dev.parley.codecs.audio.Wav;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * English speech for tests, made by {@code flite -voice kal16} (16 kHz, which pocketsphinx recognises well) and kept
 * under {@code target/speech} for the rest of the run.
 */
public final class Speech {
  public static final int SAMPLE_RATE = 16_000;
  private static final Path DIR = Path.of("target", "speech");

  private Speech() {}

  /** One sentence, as samples. */
  public static short[] say(String text) {
    try {
      Files.createDirectories(DIR);
      Path wav = DIR.resolve(Integer.toHexString(text.hashCode()) + ".wav");
      if (!Files.exists(wav)) {
        Process p = new ProcessBuilder("flite", "-voice", "kal16", "-t", text, "-o", wav.toString())
            .redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("flite failed: " + new String(p.getInputStream().readAllBytes()));
        }
      }
      Wav.Decoded d = Wav.read(Files.readAllBytes(wav));
      if (d.sampleRate() != SAMPLE_RATE) {
        throw new IllegalStateException("flite made " + d.sampleRate() + " Hz, not " + SAMPLE_RATE);
      }
      return d.samples();
    } catch (IOException e) {
      throw new IllegalStateException("cannot make speech (is flite installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sentences one after another, each followed by {@code pauseMs} of silence. */
  public static short[] sentences(List<String> sentences, int pauseMs) {
    short[] out = new short[0];
    for (String s : sentences) {
      short[] spoken = say(s);
      int at = out.length;
      out = Arrays.copyOf(out, at + spoken.length + pauseMs * SAMPLE_RATE / 1000);
      System.arraycopy(spoken, 0, out, at, spoken.length);
    }
    return out;
  }

  /** Samples {@code [fromMs, toMs)} of a signal. */
  public static short[] slice(short[] samples, long fromMs, long toMs) {
    int from = (int) Math.min(samples.length, fromMs * SAMPLE_RATE / 1000);
    int to = (int) Math.min(samples.length, toMs * SAMPLE_RATE / 1000);
    return Arrays.copyOfRange(samples, from, to);
  }
}
