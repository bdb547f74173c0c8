package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Scheduler;
import dev.parley.codecs.audio.Wav;
import dev.parley.testing.Speech;
import dev.parley.testing.TestNode;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley.jar speak} against a real scheduler and a real node with its engines, on speech made by flite. */
@ExtendWith(VertxExtension.class)
class SpeakEndToEndTest {
  private static final List<String> SENTENCES = List.of(
      "The weather is very nice today.",
      "I would like to buy a ticket to the city.",
      "Please open the window in the kitchen.");
  private static final Pattern RESULT = Pattern.compile("\\[(\\d+)] en: (.*) \\| es: (.*)");
  /** A rate the file is written at, so that the command resamples it; to 16 kHz and back it is the same speech. */
  private static final int FILE_RATE = 48_000;
  @TempDir
  Path dir;

  @Test
  void aWavFileComesBackAsOneLineAndOneSpokenFilePerUtteranceInOrder(Vertx vertx) throws IOException {
    short[] speech = Speech.sentences(SENTENCES, 1000);
    Path wav = dir.resolve("speech.wav");
    Files.write(wav, Wav.write(Wav.resample(speech, Speech.SAMPLE_RATE, FILE_RATE), FILE_RATE));
    // max-duration cuts make several utterances of the one turn that --fast streaming makes
    int port = schedulerWithNode(vertx, Map.of("session.maxDurationMs", "4000"));
    Path out = dir.resolve("out");

    Run run = speak(wav.toString(), "--src", "en", "--tgt", "es", "--fast", "--url",
        "ws://127.0.0.1:" + port + "/ws/session", "--out", out.toString());

    assertThat(run.exitCode).as("stderr: %s", run.err).isZero();
    List<String> lines = run.out.lines().toList();
    assertThat(lines).isNotEmpty().allMatch(l -> RESULT.matcher(l).matches(), "is a result line");
    List<Integer> indices = new ArrayList<>();
    List<String> heard = new ArrayList<>();
    for (String line : lines) {
      Matcher m = RESULT.matcher(line);
      assertThat(m.matches()).isTrue();
      indices.add(Integer.parseInt(m.group(1)));
      assertThat(m.group(2)).as("English of %s", line).isNotBlank();
      assertThat(m.group(3)).as("Spanish of %s", line).isNotBlank().isNotEqualTo(m.group(2));
      heard.add(m.group(2));
    }
    assertThat(indices).as("one line per utterance, in order").isSorted().doesNotHaveDuplicates();
    double wer = WordErrorRate.of(String.join(" ", SENTENCES), String.join(" ", heard));
    assertThat(wer).as("word error rate of \"%s\"", heard).isLessThanOrEqualTo(0.2);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(indices.stream().map(i -> "utterance-" + i + ".wav").toList());
    }
    for (int index : indices) {
      Wav.Decoded tts = Wav.read(Files.readAllBytes(out.resolve("utterance-" + index + ".wav")));
      assertThat(tts.samples().length).as("speech of utterance %d", index).isGreaterThan(8_000);
    }
    assertThat(run.err).doesNotContain("error from the server");
  }

  @Test
  void fastStreamingBeyondTheRateLimitsBurstLosesNoChunk(Vertx vertx) throws IOException {
    // silence: the node has nothing to recognise, so the run costs only the streaming
    int seconds = (int) (SpeakStream.FAST_BURST_MS / 1000) + 20;
    Path wav = dir.resolve("silence.wav");
    Files.write(wav, Wav.write(new short[seconds * Speech.SAMPLE_RATE], Speech.SAMPLE_RATE));
    int port = schedulerWithNode(vertx, Map.of());

    long started = System.nanoTime();
    Run run = speak(wav.toString(), "--src", "en", "--tgt", "es", "--fast", "--codec", "pcm16", "--url",
        "ws://127.0.0.1:" + port + "/ws/session");
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(run.exitCode).as("stderr: %s", run.err).isZero();
    assertThat(run.err).doesNotContain("RATE_LIMITED").doesNotContain("error from the server");
    assertThat(elapsedMs).as("faster than real time").isLessThan(seconds * 1000L / 2);
  }

  @Test
  void aMissingFileOrABadOptionIsABadArgument() {
    Run missing = speak(dir.resolve("nothing.wav").toString(), "--src", "en", "--tgt", "es");
    assertThat(missing.exitCode).isEqualTo(Speak.BAD_ARGUMENTS);
    assertThat(missing.err).contains("cannot read").contains("nothing.wav").contains("no such file");

    Run badOption = speak("speech.wav", "--src", "en", "--tgt", "es", "--chunk-ms", "30");
    assertThat(badOption.exitCode).isEqualTo(Speak.BAD_ARGUMENTS);
    assertThat(badOption.err).contains("--chunk-ms").contains("usage:");
    assertThat(missing.out).isEmpty();
  }

  @Test
  void aServerThatCannotBeReachedEndsAbnormally() throws IOException {
    Path wav = dir.resolve("speech.wav");
    Files.write(wav, Wav.write(new short[Speech.SAMPLE_RATE], Speech.SAMPLE_RATE));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    Run run = speak(wav.toString(), "--src", "en", "--tgt", "es", "--url", "ws://127.0.0.1:" + port + "/ws/session");

    assertThat(run.exitCode).isEqualTo(Speak.ABNORMAL_END);
    assertThat(run.err).contains("cannot reach ws://127.0.0.1:" + port);
  }

  /** A scheduler with a node of the real engines; returns the scheduler's port. */
  private static int schedulerWithNode(Vertx vertx, Map<String, String> settings) {
    Scheduler s = TestScheduler.start(vertx, settings);
    TestNode.start(vertx, s.port());
    return s.port();
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run speak(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Speak.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
