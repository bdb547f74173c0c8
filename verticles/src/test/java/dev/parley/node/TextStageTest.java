package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextStageTest {

  @Test
  void aTextTheContextEndsWithIsARepeat() {
    assertThat(TextStage.isRepeat("this is a test", "hello world this is a test")).isTrue();
    assertThat(TextStage.isRepeat("hello world this is a test", "hello world this is a test")).isTrue();
  }

  @Test
  void aRepeatIgnoresCaseAndPunctuation() {
    assertThat(TextStage.isRepeat("this is a test", "Hello world. This is a test.")).isTrue();
    assertThat(TextStage.isRepeat("This, is a TEST!", "hello world this is a test")).isTrue();
    assertThat(TextStage.isRepeat("i'm here", "Yes, I'm here.")).isTrue();
  }

  @Test
  void aTextEndingTheContextOnlyPartWayThroughAWordIsNoRepeat() {
    assertThat(TextStage.isRepeat("a test", "this is a contest")).isFalse();
  }

  @Test
  void aOneWordAnswerIsNeverARepeat() {
    assertThat(TextStage.isRepeat("yes", "Did you see it? Yes")).isFalse();
    assertThat(TextStage.process("yes", "Did you see it? Yes")).isEqualTo("Yes.");
  }

  @Test
  void aTextNotAtTheEndOfTheContextIsNoRepeat() {
    assertThat(TextStage.isRepeat("hello world", "Hello world. This is a test.")).isFalse();
    assertThat(TextStage.isRepeat("this is a test too", "This is a test.")).isFalse();
  }

  @Test
  void anEmptyTextIsNoRepeat() {
    assertThat(TextStage.isRepeat("", "hello world")).isFalse();
    assertThat(TextStage.isRepeat("   ", "")).isFalse();
    assertThat(TextStage.isRepeat(null, "hello world")).isFalse();
    assertThat(TextStage.isRepeat(" . ", "hello world.")).isFalse();
  }

  @Test
  void nothingIsARepeatOfAMissingContext() {
    assertThat(TextStage.isRepeat("hello world", null)).isFalse();
    assertThat(TextStage.isRepeat("hello world", "")).isFalse();
  }

  @Test
  void anOverlapOfThreeWordsIsRemoved() {
    assertThat(TextStage.trimOverlap("is a test of the system", "Hello world. This is a test."))
        .isEqualTo("of the system");
  }

  @Test
  void anOverlapOfExactlyTwoWordsIsRemoved() {
    assertThat(TextStage.trimOverlap("a test of the system", "This is a test.")).isEqualTo("of the system");
  }

  @Test
  void anOverlapOfOneWordIsKept() {
    assertThat(TextStage.trimOverlap("the cat sat", "I saw the")).isEqualTo("the cat sat");
    assertThat(TextStage.trimOverlap("test of the system", "This is a test.")).isEqualTo("test of the system");
  }

  @Test
  void theLongestOverlapIsRemoved() {
    // "a test" overlaps and so does "a test a test"; the longer one goes.
    assertThat(TextStage.trimOverlap("a test a test again", "this is a test a test")).isEqualTo("again");
  }

  @Test
  void anOverlapMustStartTheText() {
    assertThat(TextStage.trimOverlap("so this is a test", "this is a test")).isEqualTo("so this is a test");
  }

  @Test
  void aTextWhollyInTheOverlapTrimsToNothing() {
    assertThat(TextStage.trimOverlap("is a test", "This is a test.")).isEmpty();
  }

  @Test
  void trimmingCollapsesWhitespace() {
    assertThat(TextStage.trimOverlap("  is a   test  of\tthe  system ", "This is a test."))
        .isEqualTo("of the system");
    assertThat(TextStage.trimOverlap("  hello   there  ", "This is a test.")).isEqualTo("hello there");
  }

  @Test
  void withoutContextNothingIsTrimmed() {
    assertThat(TextStage.trimOverlap("hello  world", null)).isEqualTo("hello world");
    assertThat(TextStage.trimOverlap("hello world", "")).isEqualTo("hello world");
    assertThat(TextStage.trimOverlap(null, "hello world")).isEmpty();
  }

  @Test
  void aStatementGetsSentenceCaseAndAFullStop() {
    assertThat(TextStage.restoreCase("hello world this is a test")).isEqualTo("Hello world this is a test.");
  }

  @Test
  void thePronounIIsCapitalised() {
    assertThat(TextStage.restoreCase("i think i can")).isEqualTo("I think I can.");
    assertThat(TextStage.restoreCase("yes i'm sure i've seen what i'll do and i'd go"))
        .isEqualTo("Yes I'm sure I've seen what I'll do and I'd go.");
  }

  @Test
  void onlyTheWordIIsTreatedAsThePronoun() {
    assertThat(TextStage.restoreCase("it is in italy")).isEqualTo("It is in italy.");
    assertThat(TextStage.restoreCase("so it is")).isEqualTo("So it is.");
  }

  @Test
  void aTextStartingWithAQuestionWordGetsAQuestionMark() {
    assertThat(TextStage.restoreCase("what time is it")).isEqualTo("What time is it?");
    assertThat(TextStage.restoreCase("how are you")).isEqualTo("How are you?");
    assertThat(TextStage.restoreCase("whose book is this")).isEqualTo("Whose book is this?");
  }

  @Test
  void aTextStartingWithAnAuxiliaryGetsAQuestionMark() {
    assertThat(TextStage.restoreCase("can you hear me")).isEqualTo("Can you hear me?");
    assertThat(TextStage.restoreCase("do i need a ticket")).isEqualTo("Do I need a ticket?");
    assertThat(TextStage.restoreCase("have you eaten")).isEqualTo("Have you eaten?");
  }

  @Test
  void aQuestionWordLaterInTheTextMakesNoQuestion() {
    assertThat(TextStage.restoreCase("tell me what you think")).isEqualTo("Tell me what you think.");
  }

  @Test
  void anExistingEndMarkIsKept() {
    assertThat(TextStage.restoreCase("stop!")).isEqualTo("Stop!");
    assertThat(TextStage.restoreCase("you are here?")).isEqualTo("You are here?");
    assertThat(TextStage.restoreCase("what a day.")).isEqualTo("What a day.");
    assertThat(TextStage.restoreCase("well, i think so...")).isEqualTo("Well, I think so...");
  }

  @Test
  void aTrailingCommaGivesWayToTheEndMark() {
    assertThat(TextStage.restoreCase("and then,")).isEqualTo("And then.");
  }

  @Test
  void existingCapitalsAreKept() {
    assertThat(TextStage.restoreCase("we met Anna in Paris")).isEqualTo("We met Anna in Paris.");
    assertThat(TextStage.restoreCase("NASA said so")).isEqualTo("NASA said so.");
  }

  @Test
  void aLeadingNumberIsNotCapitalised() {
    assertThat(TextStage.restoreCase("3rd time lucky")).isEqualTo("3rd time lucky.");
  }

  @Test
  void restoringCaseCollapsesWhitespace() {
    assertThat(TextStage.restoreCase("  hello \t  world \n")).isEqualTo("Hello world.");
  }

  @Test
  void restoringCaseOfNothingGivesNothing() {
    assertThat(TextStage.restoreCase("")).isEmpty();
    assertThat(TextStage.restoreCase("   ")).isEmpty();
    assertThat(TextStage.restoreCase(null)).isEmpty();
  }

  @Test
  void processingRestoresCaseWhenThereIsNoContext() {
    assertThat(TextStage.process("hello world this is a test", null)).isEqualTo("Hello world this is a test.");
    assertThat(TextStage.process("i think i can", "")).isEqualTo("I think I can.");
  }

  @Test
  void processingTrimsTheOverlapThenRestoresCase() {
    assertThat(TextStage.process("is a test of the system", "Hello world. This is a test."))
        .isEqualTo("Of the system.");
    assertThat(TextStage.process("a test can you hear me", "This is a test.")).isEqualTo("Can you hear me?");
  }

  @Test
  void processingKeepsAOneWordOverlap() {
    assertThat(TextStage.process("test results are in", "This is a test.")).isEqualTo("Test results are in.");
  }

  @Test
  void processingDropsARepeat() {
    assertThat(TextStage.process("this is a test", "Hello world. This is a test.")).isEmpty();
    assertThat(TextStage.process("This is a TEST", "hello world, this is a test!")).isEmpty();
  }

  @Test
  void processingDropsATextOfNothingButOverlap() {
    assertThat(TextStage.process("is a test", "This is a test.")).isEmpty();
  }

  @Test
  void processingNothingGivesNothing() {
    assertThat(TextStage.process(null, "Hello world.")).isEmpty();
    assertThat(TextStage.process("", null)).isEmpty();
    assertThat(TextStage.process("  \t ", "Hello world.")).isEmpty();
  }
}
