package dev.parley.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The node's text step between speech recognition and machine translation. The recogniser emits lower-case words
 * without punctuation, and consecutive jobs of one session can overlap (audio at a cut is heard twice), so the step
 * drops a text the session has just delivered, trims the words it repeats from the session's context and gives the
 * rest sentence case and an end mark, which the translator handles better than a bare run of words.
 *
 * <p>Words are compared normalised: lower case, punctuation removed except apostrophes inside a word.
 */
public final class TextStage {
  /** Fewer common words than this are a coincidence ("the", "and"), not a repeat of the context. */
  private static final int MIN_OVERLAP_WORDS = 2;

  private static final Set<String> QUESTION_STARTS = Set.of(
      "what", "where", "when", "why", "who", "whom", "whose", "which", "how",
      "is", "are", "am", "was", "were", "do", "does", "did",
      "can", "could", "will", "would", "shall", "should", "may", "might",
      "have", "has", "had");

  private static final Set<String> FIRST_PERSON = Set.of("i", "i'm", "i've", "i'll", "i'd");

  private TextStage() {}

  /**
   * The whole step: the text ready for translation, or "" when there is nothing new to translate (no text, a repeat
   * of the context, or only words the context already ends with).
   */
  public static String process(String asrText, String context) {
    if (asrText == null || asrText.isBlank() || isRepeat(asrText, context)) {
      return "";
    }
    String rest = trimOverlap(asrText, context);
    return words(rest).isEmpty() ? "" : restoreCase(rest);
  }

  /**
   * Whether the context already ends with the text's words. A text of fewer than {@value #MIN_OVERLAP_WORDS} words is
   * never a repeat: a short answer such as "yes" is said again far more often than it is delivered twice.
   */
  public static boolean isRepeat(String text, String context) {
    List<String> textWords = words(text);
    List<String> contextWords = words(context);
    if (textWords.size() < MIN_OVERLAP_WORDS || textWords.size() > contextWords.size()) {
      return false;
    }
    return contextWords.subList(contextWords.size() - textWords.size(), contextWords.size()).equals(textWords);
  }

  /**
   * The text without its longest leading run of words that the context ends with, when that run is at least
   * {@value #MIN_OVERLAP_WORDS} words long; whitespace collapsed to single spaces.
   */
  public static String trimOverlap(String text, String context) {
    List<String> tokens = tokens(text);
    List<String> contextWords = words(context);
    // Positions of the tokens that are words, so that punctuation-only tokens neither match nor break a match.
    List<Integer> wordPositions = new ArrayList<>();
    List<String> textWords = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String word = normalise(tokens.get(i));
      if (!word.isEmpty()) {
        wordPositions.add(i);
        textWords.add(word);
      }
    }
    int contextSize = contextWords.size();
    for (int overlap = Math.min(textWords.size(), contextSize); overlap >= MIN_OVERLAP_WORDS; overlap--) {
      if (textWords.subList(0, overlap).equals(contextWords.subList(contextSize - overlap, contextSize))) {
        int cut = wordPositions.get(overlap - 1) + 1;
        return String.join(" ", tokens.subList(cut, tokens.size()));
      }
    }
    return String.join(" ", tokens);
  }

  /**
   * Sentence case and an end mark: whitespace collapsed, the first word and the pronoun "i" (also i'm, i've, i'll,
   * i'd) capitalised, and "?" added after a text starting with a question word or auxiliary, "." after any other,
   * unless it already ends with ".", "!" or "?". Existing capitals are kept.
   */
  public static String restoreCase(String text) {
    List<String> tokens = tokens(text);
    if (tokens.isEmpty()) {
      return "";
    }
    List<String> cased = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      boolean capitalise = i == 0 || FIRST_PERSON.contains(normalise(token));
      cased.add(capitalise ? capitaliseFirstLetter(token) : token);
    }
    // A trailing comma or colon would sit oddly before the end mark.
    String sentence = String.join(" ", cased).replaceAll("[,;:]+$", "");
    if (sentence.isEmpty() || sentence.endsWith(".") || sentence.endsWith("!") || sentence.endsWith("?")) {
      return sentence;
    }
    List<String> words = words(sentence);
    boolean question = !words.isEmpty() && QUESTION_STARTS.contains(words.get(0));
    return sentence + (question ? "?" : ".");
  }

  private static List<String> tokens(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return List.of(text.trim().split("\\s+"));
  }

  /** The text's words as compared here and in word error rates: normalised, punctuation-only tokens dropped. */
  public static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String token : tokens(text)) {
      String word = normalise(token);
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  /** Lower case, letters and digits kept, apostrophes kept only inside the word; "" for a punctuation-only token. */
  static String normalise(String token) {
    StringBuilder kept = new StringBuilder(token.length());
    token.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c)) {
        kept.appendCodePoint(c);
      } else if (c == '\'' || c == '\u2019') {
        kept.append('\'');
      }
    });
    int start = 0;
    int end = kept.length();
    while (start < end && kept.charAt(start) == '\'') {
      start++;
    }
    while (end > start && kept.charAt(end - 1) == '\'') {
      end--;
    }
    return kept.substring(start, end);
  }

  private static String capitaliseFirstLetter(String token) {
    for (int i = 0; i < token.length(); i = token.offsetByCodePoints(i, 1)) {
      int c = token.codePointAt(i);
      if (Character.isLetter(c)) {
        return token.substring(0, i)
            + new String(Character.toChars(Character.toUpperCase(c)))
            + token.substring(i + Character.charCount(c));
      }
      if (Character.isDigit(c)) {
        return token; // "3rd", not "3Rd"
      }
    }
    return token;
  }
}
