package dev.parley.engine;

import dev.parley.codecs.protocol.LanguagePair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apertium (Debian {@code apertium} and a pair such as {@code apertium-eng-spa}): one long-lived pipeline of the
 * pair's programs per direction, started from its mode file in null-flush mode, so each text is one write and one
 * read, not a process per call. A pipeline that fails or stalls is killed and started again on the next call.
 */
public final class ApertiumMt implements MtEngine {
  private static final Logger LOG = LoggerFactory.getLogger(ApertiumMt.class);
  public static final String NAME = "apertium";
  public static final String PACKAGES = "apertium apertium-eng-spa";
  public static final Path MODES = Path.of("/usr/share/apertium/modes");
  private static final long TRANSLATE_TIMEOUT_MS = 10_000;
  /** Characters of Apertium's stream format that plain text must escape. */
  private static final String SPECIAL = "\\^$@/<>[]{}*#+~|";
  /** Apertium's three-letter codes and the short codes of the protocol. */
  private static final Map<String, String> CODES = Map.ofEntries(Map.entry("eng", "en"), Map.entry("spa", "es"),
      Map.entry("cat", "ca"), Map.entry("fra", "fr"), Map.entry("por", "pt"), Map.entry("deu", "de"),
      Map.entry("ita", "it"), Map.entry("glg", "gl"), Map.entry("oci", "oc"), Map.entry("epo", "eo"),
      Map.entry("nob", "nb"), Map.entry("nno", "nn"), Map.entry("swe", "sv"), Map.entry("dan", "da"),
      Map.entry("ron", "ro"), Map.entry("eus", "eu"), Map.entry("arg", "an"), Map.entry("ast", "ast"),
      Map.entry("nld", "nl"), Map.entry("afr", "af"), Map.entry("isl", "is"), Map.entry("rus", "ru"),
      Map.entry("ukr", "uk"), Map.entry("bel", "be"), Map.entry("pol", "pl"), Map.entry("ces", "cs"),
      Map.entry("slk", "sk"), Map.entry("slv", "sl"), Map.entry("hbs", "sh"), Map.entry("mkd", "mk"),
      Map.entry("bul", "bg"), Map.entry("ell", "el"), Map.entry("tur", "tr"), Map.entry("kaz", "kk"),
      Map.entry("tat", "tt"), Map.entry("urd", "ur"), Map.entry("hin", "hi"), Map.entry("mlt", "mt"),
      Map.entry("ara", "ar"), Map.entry("heb", "he"), Map.entry("cym", "cy"), Map.entry("bre", "br"),
      Map.entry("gle", "ga"), Map.entry("gla", "gd"), Map.entry("fin", "fi"), Map.entry("est", "et"),
      Map.entry("lit", "lt"), Map.entry("lav", "lv"), Map.entry("srd", "sc"), Map.entry("cos", "co"));

  private final Map<LanguagePair, Pipeline> pipelines;
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "apertium-watchdog");
    t.setDaemon(true);
    return t;
  });

  private ApertiumMt(Map<LanguagePair, Pipeline> pipelines) {
    this.pipelines = pipelines;
  }

  /** Finds the installed pairs in {@code modesDir}; fails when there is none or {@code apertium} is missing. */
  public static ApertiumMt open(Path modesDir) throws EngineException {
    if (!Files.isDirectory(modesDir)) {
      throw new EngineException("no Apertium pair is installed (Debian packages: " + PACKAGES + ")");
    }
    Map<LanguagePair, Pipeline> found = new LinkedHashMap<>();
    try (Stream<Path> modes = Files.list(modesDir)) {
      for (Path mode : modes.sorted().toList()) {
        LanguagePair pair = pairOf(mode.getFileName().toString());
        if (pair != null) {
          found.put(pair, new Pipeline(pair, commands(Files.readString(mode))));
        }
      }
    } catch (IOException e) {
      throw new EngineException("cannot read the Apertium modes in " + modesDir, e);
    }
    if (found.isEmpty()) {
      throw new EngineException("no Apertium pair is installed in " + modesDir + " (Debian packages: " + PACKAGES
          + ")");
    }
    return new ApertiumMt(found);
  }

  /** {@code eng-spa.mode} is en>es; variants such as {@code spa-eng_US.mode} and unknown codes are left out. */
  static LanguagePair pairOf(String fileName) {
    if (!fileName.endsWith(".mode")) {
      return null;
    }
    String[] codes = fileName.substring(0, fileName.length() - ".mode".length()).split("-");
    if (codes.length != 2 || !CODES.containsKey(codes[0]) || !CODES.containsKey(codes[1])) {
      return null;
    }
    return new LanguagePair(CODES.get(codes[0]), CODES.get(codes[1]));
  }

  /** The mode file's programs, each in null-flush mode, with the generator told to leave unknown words unmarked. */
  static List<List<String>> commands(String mode) {
    List<List<String>> out = new ArrayList<>();
    for (String stage : mode.trim().split("\\|")) {
      List<String> words = new ArrayList<>();
      for (String w : stage.trim().replace("$2", "").replace("$1", "-n").split("\\s+")) {
        if (!w.isEmpty()) {
          words.add(w.replace("'", ""));
        }
      }
      words.add(1, "-z");
      out.add(words);
    }
    return out;
  }

  /** Plain text as one block of Apertium's stream format, ending in a blank and the null that flushes it. */
  static byte[] encode(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\0') {
        b.append(' ');
        continue;
      }
      if (SPECIAL.indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    b.append("[][\n]").append('\0');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The translated block back to plain text: superblanks dropped, escapes undone. */
  static String decode(String block) {
    StringBuilder b = new StringBuilder(block.length());
    int depth = 0;
    for (int i = 0; i < block.length(); i++) {
      char c = block.charAt(i);
      if (c == '\\' && i + 1 < block.length()) {
        if (depth == 0) {
          b.append(block.charAt(i + 1));
        }
        i++;
      } else if (c == '[') {
        depth++;
      } else if (c == ']' && depth > 0) {
        depth--;
      } else if (depth == 0 && c != '\0') {
        b.append(c);
      }
    }
    return b.toString().replaceAll("\\s+", " ").trim();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<LanguagePair> pairs() {
    return pipelines.keySet();
  }

  @Override
  public String translate(String text, String srcLang, String tgtLang) throws EngineException {
    Pipeline p = pipelines.get(new LanguagePair(srcLang, tgtLang));
    if (p == null) {
      throw new EngineException("apertium has no pair " + srcLang + ">" + tgtLang);
    }
    if (text.isBlank()) {
      return "";
    }
    return p.translate(text, watchdog);
  }

  @Override
  public void close() {
    pipelines.values().forEach(Pipeline::stop);
    watchdog.shutdownNow();
  }

  /** One direction's running programs; one text at a time goes through them. */
  private static final class Pipeline {
    private final LanguagePair pair;
    private final List<List<String>> commands;
    private List<Process> processes = List.of();

    Pipeline(LanguagePair pair, List<List<String>> commands) {
      this.pair = pair;
      this.commands = commands;
    }

    synchronized String translate(String text, ScheduledExecutorService watchdog) throws EngineException {
      try {
        if (processes.isEmpty() || !processes.stream().allMatch(Process::isAlive)) {
          start();
        }
        List<Process> running = processes;
        ScheduledFuture<?> kill = watchdog.schedule(() -> running.forEach(Process::destroyForcibly),
            TRANSLATE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        try {
          OutputStream in = running.get(0).getOutputStream();
          in.write(encode(text));
          in.flush();
          return decode(readBlock(running.get(running.size() - 1).getInputStream()));
        } finally {
          kill.cancel(false);
        }
      } catch (IOException e) {
        stop();
        throw new EngineException("apertium " + pair.src() + ">" + pair.tgt() + " failed: " + e.getMessage(), e);
      }
    }

    private static String readBlock(InputStream out) throws IOException {
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      int c;
      while ((c = out.read()) != 0) {
        if (c < 0) {
          throw new IOException("the pipeline ended");
        }
        block.write(c);
      }
      return block.toString(StandardCharsets.UTF_8);
    }

    private void start() throws IOException {
      stop();
      List<ProcessBuilder> builders = new ArrayList<>();
      for (List<String> cmd : commands) {
        builders.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD));
      }
      processes = ProcessBuilder.startPipeline(builders);
      LOG.info("apertium pipeline started pair={}>{} programs={}", pair.src(), pair.tgt(), processes.size());
    }

    synchronized void stop() {
      processes.forEach(Process::destroyForcibly);
      processes = List.of();
    }
  }
}
