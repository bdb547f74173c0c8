package dev.parley.cli;

import dev.parley.node.TextStage;
import java.util.ArrayList;
import java.util.List;

/**
 * Word error rate of a recognised text against a reference: (substitutions + deletions + insertions) divided by the
 * number of reference words. Words are compared without case or punctuation, so only the words themselves count.
 */
public final class WordErrorRate {

  private WordErrorRate() {}

  /** The word error rate; 0.0 for two empty texts, 1.0 for an empty reference against a non-empty hypothesis. */
  public static double of(String reference, String hypothesis) {
    List<String> ref = words(reference);
    List<String> hyp = words(hypothesis);
    if (ref.isEmpty()) {
      return hyp.isEmpty() ? 0.0 : 1.0;
    }
    return (double) distance(ref, hyp) / ref.size();
  }

  /** Word-level Levenshtein distance: the fewest substitutions, deletions and insertions turning ref into hyp. */
  public static int distance(List<String> ref, List<String> hyp) {
    // Two rows of the edit-distance table are enough: each row depends only on the one before.
    int[] previous = new int[hyp.size() + 1];
    int[] current = new int[hyp.size() + 1];
    for (int j = 0; j <= hyp.size(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= ref.size(); i++) {
      current[0] = i;
      for (int j = 1; j <= hyp.size(); j++) {
        int substitution = previous[j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
        int deletion = previous[j] + 1;
        int insertion = current[j - 1] + 1;
        current[j] = Math.min(substitution, Math.min(deletion, insertion));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[hyp.size()];
  }

  /**
   * The text's words, split at whitespace, in lower case, with punctuation removed except apostrophes inside a word
   * ("don't" stays one word). Tokens that were only punctuation are dropped. Null gives no words.
   */
  public static List<String> words(String text) {
    return TextStage.words(text);
  }
}
