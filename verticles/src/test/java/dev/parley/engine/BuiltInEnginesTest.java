package dev.parley.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.audio.Wav;
import dev.parley.codecs.protocol.LanguagePair;
import dev.parley.testing.Speech;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in engines' own logic, and each engine on real input from its Debian package. */
class BuiltInEnginesTest {

  @Test
  void apertiumModeFilesNameTheirPairInShortCodes() {
    assertThat(ApertiumMt.pairOf("eng-spa.mode")).isEqualTo(new LanguagePair("en", "es"));
    assertThat(ApertiumMt.pairOf("spa-eng.mode")).isEqualTo(new LanguagePair("es", "en"));
    assertThat(ApertiumMt.pairOf("spa-eng_US.mode")).as("a variant").isNull();
    assertThat(ApertiumMt.pairOf("eng-xyz.mode")).as("an unknown code").isNull();
    assertThat(ApertiumMt.pairOf("eng-spa.txt")).isNull();
  }

  @Test
  void everyProgramOfAModeRunsInNullFlushMode() {
    List<List<String>> commands = ApertiumMt.commands(
        "lt-proc 'a.bin' | apertium-tagger -g $2 'b.prob' | lt-proc $1 'c.bin'");

    assertThat(commands).containsExactly(List.of("lt-proc", "-z", "a.bin"),
        List.of("apertium-tagger", "-z", "-g", "b.prob"), List.of("lt-proc", "-z", "-n", "c.bin"));
  }

  @Test
  void plainTextIsEscapedForTheStreamFormatAndTranslatedTextUnescaped() {
    assertThat(new String(ApertiumMt.encode("a/b [c]\nd"), StandardCharsets.UTF_8))
        .isEqualTo("a\\/b \\[c\\] d[][\n]\0");
    assertThat(ApertiumMt.decode("Hola Mundo.[][\n]")).isEqualTo("Hola Mundo.");
    assertThat(ApertiumMt.decode("un\\/b \\[c\\]")).isEqualTo("un/b [c]");
  }

  @Test
  void apertiumTranslatesThroughItsLongLivedPipeline() throws Exception {
    try (ApertiumMt mt = ApertiumMt.open(ApertiumMt.MODES)) {
      assertThat(mt.pairs()).contains(new LanguagePair("en", "es"));
      assertThat(mt.translate("Hello world.", "en", "es")).isEqualTo("Hola Mundo.");
      assertThat(mt.translate("My brother is at the hospital.", "en", "es")).contains("hermano", "hospital");
      assertThat(mt.translate("Price: 5 [sic] a/b <x>", "en", "es")).contains("[sic]", "<x>");
      assertThatThrownBy(() -> mt.translate("hello", "en", "xx")).isInstanceOf(EngineException.class);
    }
  }

  @Test
  void espeakVoicesAreReadAsShortCodes() {
    String listing = """
        Pty Language       Age/Gender VoiceName          File                 Other Languages
         5  af              --/M      Afrikaans          gmw/af
         5  en-gb           --/M      English_(Great_Britain) gmw/en
         2  en-us           --/M      English_(America)  gmw/en-US
         5  es              --/M      Spanish_(Spain)    roa/es
         5  chr-US-Qaaa-x-west --/M   Cherokee_          iro/chr
        """;

    assertThat(EspeakTts.voices(listing)).containsExactly("af", "chr", "en", "es");
  }

  @Test
  void espeakSpeaksAt16KilohertzMono() throws Exception {
    EspeakTts tts = EspeakTts.open("espeak-ng");
    Wav.Decoded wav = Wav.read(tts.synthesise("Hola mundo.", "es"));

    assertThat(wav.sampleRate()).isEqualTo(TtsEngine.SAMPLE_RATE);
    assertThat(wav.channels()).isEqualTo(1);
    assertThat(wav.samples().length).isGreaterThan(TtsEngine.SAMPLE_RATE / 2);
    assertThatThrownBy(() -> tts.synthesise("hello", "xx")).isInstanceOf(EngineException.class);
  }

  @Test
  void pocketsphinxRecognisesSpeechWithOneDecoderReusedForEveryCall() throws Exception {
    short[] speech = Speech.say("Please open the window in the kitchen.");
    try (PocketsphinxAsr asr = PocketsphinxAsr.open(PocketsphinxAsr.DEFAULT_MODEL, "en", 1)) {
      String first = asr.recognise(speech, Speech.SAMPLE_RATE, "en");
      String second = asr.recognise(speech, Speech.SAMPLE_RATE, "en");

      assertThat(first).isEqualTo(second).contains("open the window");
      assertThat(asr.recognise(new short[0], Speech.SAMPLE_RATE, "en")).isEmpty();
      assertThatThrownBy(() -> asr.recognise(speech, 8000, "en")).isInstanceOf(EngineException.class);
    }
  }

  @Test
  void aMissingModelSaysWhichPackagesToInstall() {
    assertThatThrownBy(() -> PocketsphinxAsr.open(java.nio.file.Path.of("/nonexistent"), "en", 1))
        .isInstanceOf(EngineException.class).hasMessageContaining("pocketsphinx-en-us");
    assertThatThrownBy(() -> ApertiumMt.open(java.nio.file.Path.of("/nonexistent")))
        .isInstanceOf(EngineException.class).hasMessageContaining("apertium-eng-spa");
    assertThatThrownBy(() -> EspeakTts.open("/nonexistent/espeak-ng"))
        .isInstanceOf(EngineException.class).hasMessageContaining("espeak-ng");
  }
}
