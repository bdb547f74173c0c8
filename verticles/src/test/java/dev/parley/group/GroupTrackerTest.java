package dev.parley.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.group.GroupTracker.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupTrackerTest {

  @Test
  void resultsWithinTheWindowOfThePreviousPartJoinItsGroup() {
    GroupTracker tracker = new GroupTracker(2_000, 8, 800);

    assertThat(tracker.place("one", 10_000)).isEqualTo(new Placement(0, 0));
    assertThat(tracker.place("two", 12_000)).as("exactly at the window").isEqualTo(new Placement(0, 1));
    assertThat(tracker.place("three", 14_001)).as("just past it").isEqualTo(new Placement(1, 0));
    assertThat(tracker.place("four", 14_500)).isEqualTo(new Placement(1, 1));
  }

  @Test
  void theWindowCountsFromThePreviousPartNotTheGroupStart() {
    GroupTracker tracker = new GroupTracker(2_000, 8, 800);

    List<Placement> placements = new ArrayList<>();
    for (long at = 0; at <= 9_000; at += 1_500) {
      placements.add(tracker.place("word", at));
    }

    assertThat(placements).extracting(Placement::groupId).containsOnly(0L);
    assertThat(placements).extracting(Placement::partIndex).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  @Test
  void aGroupHoldsAtMostMaxPartsThenANewOneStarts() {
    GroupTracker tracker = new GroupTracker(2_000, 3, 800);

    List<Placement> placements = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      placements.add(tracker.place("w" + i, 1_000 + i));
    }

    assertThat(placements).containsExactly(
        new Placement(0, 0), new Placement(0, 1), new Placement(0, 2),
        new Placement(1, 0), new Placement(1, 1), new Placement(1, 2),
        new Placement(2, 0));
  }

  @Test
  void contextIsTheRecentTextJoinedBySpacesAcrossGroups() {
    GroupTracker tracker = new GroupTracker(2_000, 2, 800);

    tracker.place("  hello there ", 0);
    tracker.place("", 100);
    tracker.place("   ", 200);
    tracker.place(null, 300);
    tracker.place("general Kenobi", 10_000);

    assertThat(tracker.contextText()).isEqualTo("hello there general Kenobi");
  }

  @Test
  void contextKeepsTheNewestWholeWordsThatFit() {
    GroupTracker tracker = new GroupTracker(2_000, 8, 7);

    tracker.place("aaa bbb", 0);
    assertThat(tracker.contextText()).isEqualTo("aaa bbb");

    tracker.place("ccc", 100);
    assertThat(tracker.contextText()).as("\"bbb ccc\" is exactly 7 characters").isEqualTo("bbb ccc");

    tracker.place("dd", 200);
    assertThat(tracker.contextText()).isEqualTo("ccc dd");
  }

  @Test
  void contextIsAlwaysTheLongestSuffixOfWholeWordsWithinTheBound() {
    int max = 40;
    GroupTracker tracker = new GroupTracker(2_000, 8, max);
    Random random = new Random(7);
    List<String> words = new ArrayList<>();

    for (int i = 0; i < 200; i++) {
      int count = 1 + random.nextInt(4);
      List<String> text = new ArrayList<>();
      for (int w = 0; w < count; w++) {
        text.add("w" + i + "x".repeat(random.nextInt(8)));
      }
      words.addAll(text);
      tracker.place(String.join(" ", text), i * 100L);

      assertThat(tracker.contextText()).as("after result %d", i).isEqualTo(newestWordsWithin(words, max));
    }
  }

  @Test
  void aSingleWordLongerThanTheBoundKeepsItsEnd() {
    GroupTracker tracker = new GroupTracker(2_000, 8, 5);

    tracker.place("abcdefghij", 0);

    assertThat(tracker.contextText()).isEqualTo("fghij");
  }

  private static String newestWordsWithin(List<String> words, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = words.size() - 1; i >= 0; i--) {
      String candidate = out.length() == 0 ? words.get(i) : words.get(i) + " " + out;
      if (candidate.length() > max) {
        break;
      }
      out.setLength(0);
      out.append(candidate);
    }
    return out.toString();
  }
}
