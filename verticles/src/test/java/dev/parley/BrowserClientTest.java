package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.cli.WordErrorRate;
import dev.parley.codecs.audio.Wav;
import dev.parley.config.ConfigLoader;
import dev.parley.engine.EngineConfig;
import dev.parley.engine.Engines;
import dev.parley.node.Worker;
import dev.parley.store.LocalStore;
import dev.parley.store.SchedulerStore;
import dev.parley.testing.Await;
import dev.parley.testing.Chromium;
import dev.parley.testing.Speech;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;

/**
 * The browser client in Debian's headless Chromium, against a real scheduler and a real node with its engines. The
 * fake microphone plays English speech made by flite; the page streams it, shows what came back and speaks it.
 */
@ExtendWith(VertxExtension.class)
class BrowserClientTest {
  private static final List<String> THREE_SENTENCES = List.of(
      "The weather is very nice today.",
      "I would like to buy a ticket to the city.",
      "Please open the window in the kitchen.");
  private static final List<String> FIVE_SENTENCES = List.of(
      "The weather is very nice today.",
      "I would like to buy a ticket to the city.",
      "Please open the window in the kitchen.",
      "My brother works at the hospital.",
      "We are going to the park this afternoon.");
  /** Longer than the page's 800 ms quiet, so each sentence is one utterance. */
  private static final int PAUSE_MS = 1500;
  private static final Duration PAGE_WAIT = Duration.ofSeconds(20);
  private static Engines engines;

  @BeforeAll
  static void openEngines() {
    engines = Engines.open(EngineConfig.read("../conf/engines.json"), 2);
    assertThat(engines.problems()).as("engines missing: run scripts/install-engines.sh").isEmpty();
  }

  @AfterAll
  static void closeEngines() {
    engines.close();
  }

  @Test
  void speechFromTheMicrophoneIsShownRecognisedTranslatedAndSpoken(Vertx vertx, TestInfo test) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    startNode(vertx, store, s.port());
    try (Chromium browser = Chromium.start(microphone("three-sentences", THREE_SENTENCES))) {
      run(browser, test, () -> {
        browser.open("http://127.0.0.1:" + s.port() + "/");
        browser.waitUpTo(PAGE_WAIT).until(b -> !browser.findAll("#tgt optgroup[label='Available now'] option[value='es']")
            .isEmpty());
        choose(browser, "en", "es");
        browser.find("#start").click();

        browser.waitUpTo(results(THREE_SENTENCES)).until(b -> translated(browser).size() >= THREE_SENTENCES.size());
        browser.find("#stop").click();
        browser.waitUpTo(PAGE_WAIT).until(b -> "closed".equals(browser.find("#status").getAttribute("data-state")));

        List<WebElement> shown = translated(browser);
        String heard = shown.stream().map(r -> r.findElement(By.cssSelector(".text")).getText())
            .collect(Collectors.joining(" "));
        assertThat(WordErrorRate.of(String.join(" ", THREE_SENTENCES), heard)).as("word error rate of \"%s\"", heard)
            .isLessThanOrEqualTo(0.25);
        for (WebElement r : shown) {
          assertThat(r.findElement(By.cssSelector(".translation")).getText()).isNotBlank();
        }
        assertThat(indexes(browser)).isSorted().doesNotHaveDuplicates();
        // every result carries speech; the page plays them one after another
        browser.waitUpTo(Duration.ofSeconds(60)).until(b -> playedCount(browser) >= shown.size());
        assertThat(browser.find("#results").getAttribute("data-tts-played")).isEqualTo(String.valueOf(shown.size()));
        Map<String, Object> stats = browser.stats();
        assertThat(stats).containsEntry("codec", "opus").containsEntry("binaryFrames", true)
            .containsEntry("duplicates", 0L);
        assertThat((Long) stats.get("finalsSent")).isGreaterThanOrEqualTo(THREE_SENTENCES.size());
        assertThat(browser.screenshot("translation")).exists();
      });
    }
  }

  @Test
  void withNoNodeForThePairThePageSaysSoInWords(Vertx vertx, TestInfo test) {
    Scheduler s = TestScheduler.start(vertx, Map.of("dispatch.pendingTimeoutMs", "3000"));
    try (Chromium browser = Chromium.start(microphone("three-sentences", THREE_SENTENCES))) {
      run(browser, test, () -> {
        browser.open("http://127.0.0.1:" + s.port() + "/");
        browser.waitUpTo(PAGE_WAIT).until(b -> browser.find("#languages-note").isDisplayed());
        assertThat(browser.find("#languages-note").getText()).isEqualTo("No node can translate now.");
        choose(browser, "en", "es");
        browser.find("#start").click();

        browser.waitUpTo(PAGE_WAIT).until(b -> browser.find("#error").isDisplayed());
        assertThat(browser.find("#error").getText())
            .startsWith("No node can translate English to Spanish right now.");
        assertThat(browser.find("#error").getAttribute("data-code")).isEqualTo("NO_AVAILABLE_NODE");
        browser.waitUpTo(PAGE_WAIT).until(b -> !browser.findAll(".result.missing .note").isEmpty());
        assertThat(browser.find(".result.missing .note").getText())
            .isEqualTo("Not translated: no node could translate this language pair.");
        assertThat(browser.screenshot("no-node")).exists();
        browser.find("#stop").click();
        browser.waitUpTo(PAGE_WAIT).until(b -> "closed".equals(browser.find("#status").getAttribute("data-state")));
      });
    }
  }

  @Test
  void afterTheNetworkDropsThePageResumesAndShowsWhatItMissedOnce(Vertx vertx, TestInfo test) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    startNode(vertx, store, s.port());
    Path wav = microphone("five-sentences", FIVE_SENTENCES);
    try (TcpProxy network = TcpProxy.start(vertx, s.port()); Chromium browser = Chromium.start(wav)) {
      run(browser, test, () -> {
        // PCM16 this time, the format of browsers without an Opus encoder
        browser.open("http://127.0.0.1:" + network.port() + "/?codec=pcm16");
        choose(browser, "en", "es");
        browser.find("#start").click();
        browser.waitUpTo(results(FIVE_SENTENCES.subList(0, 1))).until(b -> !translated(browser).isEmpty());
        // cut while the speaker is in the middle of a later utterance, so the server has work left for the page
        browser.waitUpTo(PAGE_WAIT).until(b -> number(browser.stats(), "utteranceOpenMs") >= 1400);
        network.cut();
        browser.waitUpTo(PAGE_WAIT).until(b -> "reconnecting".equals(browser.stats().get("state")));
        Map<String, Object> before = browser.stats();
        String sessionId = (String) before.get("sessionId");
        long seen = number(before, "lastUtteranceIndex");

        List<Long> missed = new FluentWait<>(store).withTimeout(Duration.ofSeconds(60))
            .pollingEvery(Duration.ofMillis(100))
            .until(st -> {
              List<Long> after = Await.result(st.outcomesAfter(sessionId, seen)).stream()
                  .map(f -> new JsonObject(f).getLong("utterance_index")).toList();
              return after.isEmpty() ? null : after;
            });
        network.restore();
        browser.waitUpTo(PAGE_WAIT).until(b -> "live".equals(browser.stats().get("state")));
        browser.waitUpTo(PAGE_WAIT).until(b -> indexes(browser).containsAll(missed));

        // the rest of the speech, held while the network was down, goes out after the resume
        long speechMs = Wav.read(readAll(wav)).samples().length * 1000L / Speech.SAMPLE_RATE;
        browser.waitUpTo(Duration.ofMillis(speechMs + 30_000)).until(b -> number(browser.stats(), "capturedMs")
            >= speechMs);
        browser.find("#stop").click();
        browser.waitUpTo(Duration.ofSeconds(60))
            .until(b -> "closed".equals(browser.find("#status").getAttribute("data-state")));

        List<Long> shown = indexes(browser);
        assertThat(shown).as("every result once, in order").isSorted().doesNotHaveDuplicates();
        assertThat(shown).containsAll(missed).anyMatch(i -> i > missed.get(missed.size() - 1));
        Map<String, Object> stats = browser.stats();
        assertThat(stats).containsEntry("codec", "pcm16").containsEntry("binaryFrames", true)
            .containsEntry("resumes", 1L).containsEntry("duplicates", 0L);
        assertThat(browser.findAll("#results .session")).hasSize(1);
        assertThat(browser.screenshot("resumed")).exists();
      });
    }
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  /** The test body, with the page's console and a screenshot kept when it fails. */
  private static void run(Chromium browser, TestInfo test, Runnable body) {
    try {
      body.run();
    } catch (RuntimeException | AssertionError e) {
      String name = test.getTestMethod().map(m -> m.getName()).orElse("test") + "-failed";
      try {
        browser.screenshot(name);
        e.addSuppressed(new AssertionError("page console:\n" + browser.console() + "\nstats: " + browser.stats()));
      } catch (RuntimeException ignored) {
        // the browser itself may be what failed
      }
      throw e;
    }
  }

  private static void startNode(Vertx vertx, SchedulerStore store, int port) {
    Await.result(Worker.deploy(vertx, ConfigLoader.load(null, Map.of(), Map.of(
        "node.scheduler", "ws://127.0.0.1:" + port + "/ws/node", "node.maxJobs", "2")), engines));
    new FluentWait<>(store).withTimeout(Duration.ofSeconds(20)).pollingEvery(Duration.ofMillis(50))
        .until(st -> Await.result(st.nodes()).stream().anyMatch(n -> n.serves("en>es")));
  }

  /** A 16 kHz mono PCM16 WAV for the fake microphone: a little silence, then the sentences with pauses. */
  private static Path microphone(String name, List<String> sentences) {
    short[] speech = Speech.sentences(sentences, PAUSE_MS);
    short[] samples = new short[700 * Speech.SAMPLE_RATE / 1000 + speech.length];
    System.arraycopy(speech, 0, samples, samples.length - speech.length, speech.length);
    Path wav = Path.of("target", "speech", "microphone-" + name + ".wav");
    try {
      Files.createDirectories(wav.getParent());
      Files.write(wav, Wav.write(samples, Speech.SAMPLE_RATE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return wav;
  }

  /** Enough time for the sentences to be spoken in real time and answered. */
  private static Duration results(List<String> sentences) {
    return Duration.ofMillis(Speech.sentences(sentences, PAUSE_MS).length * 1000L / Speech.SAMPLE_RATE + 40_000);
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void choose(Chromium browser, String src, String tgt) {
    new Select(browser.find("#src")).selectByValue(src);
    new Select(browser.find("#tgt")).selectByValue(tgt);
  }

  /** The results with a translation, in page order. */
  private static List<WebElement> translated(Chromium browser) {
    return browser.findAll("#results .result").stream()
        .filter(r -> !r.findElements(By.cssSelector(".translation")).isEmpty())
        .toList();
  }

  /** The utterance index of every outcome on the page, in page order. */
  private static List<Long> indexes(Chromium browser) {
    return browser.findAll("#results [data-utterance-index]").stream()
        .map(e -> Long.parseLong(e.getAttribute("data-utterance-index"))).toList();
  }

  private static long playedCount(Chromium browser) {
    return Long.parseLong(browser.find("#results").getAttribute("data-tts-played"));
  }

  private static long number(Map<String, Object> stats, String key) {
    Object v = stats.get(key);
    return v instanceof Number n ? n.longValue() : Long.MIN_VALUE;
  }
}
