package dev.parley.engine;

import dev.parley.codecs.audio.Wav;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * espeak-ng (Debian {@code espeak-ng}): one short process per text, the text on its standard input (never on the
 * command line), its WAV resampled to {@link #SAMPLE_RATE}. Synthesis takes milliseconds, so a process per call costs
 * little next to recognition.
 */
public final class EspeakTts implements TtsEngine {
  public static final String NAME = "espeak-ng";
  public static final String PACKAGES = "espeak-ng";
  private static final long TIMEOUT_MS = 10_000;
  private static final int MAX_CHARS = 2_000;
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "espeak-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final String binary;
  private final Set<String> languages;

  private EspeakTts(String binary, Set<String> languages) {
    this.binary = binary;
    this.languages = languages;
  }

  /** Asks the installed espeak-ng for its voices; fails when it is not installed. */
  public static EspeakTts open(String binary) throws EngineException {
    String listing;
    try {
      Process p = new ProcessBuilder(binary, "--voices").redirectErrorStream(true).start();
      listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        throw new EngineException(binary + " --voices failed: " + listing.strip());
      }
    } catch (IOException e) {
      throw new EngineException(binary + " is not installed (Debian package: " + PACKAGES + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while starting " + binary);
    }
    return new EspeakTts(binary, voices(listing));
  }

  /** Short language codes from the {@code --voices} table: its second column, up to the first hyphen. */
  static Set<String> voices(String listing) {
    Set<String> out = new TreeSet<>();
    for (String line : listing.split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length > 1 && cols[0].matches("\\d+")) {
        String code = cols[1].split("-")[0];
        if (code.matches("[a-z]{2,3}")) {
          out.add(code);
        }
      }
    }
    return out;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> languages() {
    return languages;
  }

  @Override
  public byte[] synthesise(String text, String language) throws EngineException {
    if (!languages.contains(language)) {
      throw new EngineException("espeak-ng has no voice for " + language);
    }
    String clipped = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
    try {
      Process p = new ProcessBuilder(binary, "-v", language, "--stdout").redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      // a hung espeak-ng never closes its output: the watchdog ends it, so the read below always returns
      ScheduledFuture<?> kill = WATCHDOG.schedule(p::destroyForcibly, TIMEOUT_MS, TimeUnit.MILLISECONDS);
      byte[] wav;
      try {
        try (OutputStream in = p.getOutputStream()) {
          in.write(clipped.getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream out = p.getInputStream()) {
          wav = out.readAllBytes();
        }
      } finally {
        kill.cancel(false);
      }
      if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new EngineException("espeak-ng did not finish within " + TIMEOUT_MS + " ms");
      }
      if (p.exitValue() != 0) {
        throw new EngineException("espeak-ng exited with " + p.exitValue());
      }
      Wav.Decoded decoded = Wav.read(wav);
      return Wav.write(Wav.resample(decoded.samples(), decoded.sampleRate(), SAMPLE_RATE), SAMPLE_RATE);
    } catch (IOException | RuntimeException e) {
      throw new EngineException("espeak-ng failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted during synthesis");
    }
  }
}
