package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordErrorRateTest {

  @Test
  void identicalTextsHaveNoErrors() {
    assertThat(WordErrorRate.of("hello world this is a test", "hello world this is a test")).isEqualTo(0.0);
  }

  @Test
  void oneSubstitutionInFourWordsIsAQuarter() {
    assertThat(WordErrorRate.of("the cat sat down", "the hat sat down")).isEqualTo(0.25);
  }

  @Test
  void anInsertionCountsAsAnError() {
    assertThat(WordErrorRate.of("the cat sat down", "the cat sat right down")).isEqualTo(0.25);
  }

  @Test
  void aDeletionCountsAsAnError() {
    assertThat(WordErrorRate.of("the cat sat down", "the cat down")).isEqualTo(0.25);
  }

  @Test
  void errorsOfEachKindAddUp() {
    // "cat" -> "hat", "sat" deleted, "now" inserted: 3 errors over 4 reference words.
    assertThat(WordErrorRate.of("the cat sat down", "the hat down now")).isEqualTo(0.75);
  }

  @Test
  void caseAndPunctuationAreIgnored() {
    assertThat(WordErrorRate.of("Hello, world. This is a test!", "hello world this is a test")).isEqualTo(0.0);
  }

  @Test
  void apostrophesInsideWordsCount() {
    assertThat(WordErrorRate.of("I don't know.", "i dont know")).isEqualTo(1.0 / 3);
    assertThat(WordErrorRate.of("'Don't' they say", "don't they say")).isEqualTo(0.0);
  }

  @Test
  void anEmptyHypothesisMissesEveryWord() {
    assertThat(WordErrorRate.of("the cat sat down", "")).isEqualTo(1.0);
    assertThat(WordErrorRate.of("the cat sat down", null)).isEqualTo(1.0);
  }

  @Test
  void twoEmptyTextsHaveNoErrors() {
    assertThat(WordErrorRate.of("", "")).isEqualTo(0.0);
    assertThat(WordErrorRate.of(null, "  ")).isEqualTo(0.0);
  }

  @Test
  void anEmptyReferenceAgainstWordsIsOne() {
    assertThat(WordErrorRate.of("", "hello there")).isEqualTo(1.0);
  }

  @Test
  void insertionsCanTakeTheRateAboveOne() {
    assertThat(WordErrorRate.of("yes", "yes yes yes")).isEqualTo(2.0);
  }

  @Test
  void distanceIsTheFewestEdits() {
    assertThat(WordErrorRate.distance(List.of("a", "b", "c"), List.of("a", "b", "c"))).isZero();
    assertThat(WordErrorRate.distance(List.of("a", "b", "c"), List.of())).isEqualTo(3);
    assertThat(WordErrorRate.distance(List.of(), List.of("a", "b"))).isEqualTo(2);
    assertThat(WordErrorRate.distance(List.of("a", "b", "c", "d"), List.of("b", "c", "d", "e"))).isEqualTo(2);
  }

  @Test
  void wordsAreLowerCaseWithoutPunctuation() {
    assertThat(WordErrorRate.words("  Hello,  World!  It's -- \"fine\". "))
        .containsExactly("hello", "world", "it's", "fine");
    assertThat(WordErrorRate.words(null)).isEmpty();
    assertThat(WordErrorRate.words("   ")).isEmpty();
  }
}
