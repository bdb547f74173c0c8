package dev.parley.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The pocketsphinx recogniser (Debian {@code pocketsphinx}, {@code pocketsphinx-en-us}) through its C library. Each
 * decoder is loaded once and reused for every call; there are as many as calls may run at once, because a decoder
 * serves one utterance at a time.
 */
public final class PocketsphinxAsr implements AsrEngine {
  public static final String NAME = "pocketsphinx";
  public static final String PACKAGES = "pocketsphinx pocketsphinx-en-us";
  static final Path DEFAULT_MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");
  private static final int SAMPLE_RATE = 16_000;
  private static final long CLOSE_WAIT_MS = 10_000;

  private final Native lib;
  private final Set<String> languages;
  private final BlockingQueue<Pointer> decoders;
  private final List<Pointer> all;

  /** The library's entry points, looked up once. */
  private record Native(Function psArgs, Function cmdLnParse, Function psInit, Function startUtt,
      Function processRaw, Function endUtt, Function getHyp, Function psFree) {

    static Native load() throws EngineException {
      NativeLibrary ps = library("pocketsphinx", "libpocketsphinx.so.3");
      NativeLibrary base = library("sphinxbase", "libsphinxbase.so.3");
      return new Native(ps.getFunction("ps_args"), base.getFunction("cmd_ln_parse_r"), ps.getFunction("ps_init"),
          ps.getFunction("ps_start_utt"), ps.getFunction("ps_process_raw"), ps.getFunction("ps_end_utt"),
          ps.getFunction("ps_get_hyp"), ps.getFunction("ps_free"));
    }

    private static NativeLibrary library(String... names) throws EngineException {
      UnsatisfiedLinkError last = null;
      for (String name : names) {
        try {
          return NativeLibrary.getInstance(name);
        } catch (UnsatisfiedLinkError e) {
          last = e;
        }
      }
      throw new EngineException("lib" + names[0] + " is not installed (Debian packages: " + PACKAGES + ")", last);
    }
  }

  private PocketsphinxAsr(Native lib, Set<String> languages, List<Pointer> decoders) {
    this.lib = lib;
    this.languages = languages;
    this.all = decoders;
    this.decoders = new ArrayBlockingQueue<>(decoders.size(), false, decoders);
  }

  /**
   * Loads {@code count} decoders of the acoustic model in {@code modelDir} (its {@code en-us} folder, language model
   * {@code en-us.lm.bin} and dictionary {@code cmudict-en-us.dict}).
   */
  public static PocketsphinxAsr open(Path modelDir, String language, int count) throws EngineException {
    Path hmm = modelDir.resolve("en-us");
    Path lm = modelDir.resolve("en-us.lm.bin");
    Path dict = modelDir.resolve("cmudict-en-us.dict");
    for (Path p : List.of(hmm, lm, dict)) {
      if (!Files.exists(p)) {
        throw new EngineException(p + " is missing (Debian packages: " + PACKAGES + ")");
      }
    }
    Native lib = Native.load();
    String[] argv = {NAME, "-hmm", hmm.toString(), "-lm", lm.toString(), "-dict", dict.toString(),
        "-logfn", "/dev/null"};
    List<Pointer> decoders = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      Pointer config = (Pointer) lib.cmdLnParse().invoke(Pointer.class,
          new Object[] {null, lib.psArgs().invokePointer(new Object[0]), argv.length, new StringArray(argv), 1});
      Pointer decoder = config == null ? null : (Pointer) lib.psInit().invoke(Pointer.class, new Object[] {config});
      if (decoder == null) {
        decoders.forEach(d -> lib.psFree().invokeInt(new Object[] {d}));
        throw new EngineException("pocketsphinx could not load the model in " + modelDir);
      }
      decoders.add(decoder);
    }
    return new PocketsphinxAsr(lib, Set.of(language), decoders);
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
  public String recognise(short[] samples, int sampleRate, String language) throws EngineException {
    if (sampleRate != SAMPLE_RATE) {
      throw new EngineException("pocketsphinx needs " + SAMPLE_RATE + " Hz audio, got " + sampleRate);
    }
    if (samples.length == 0) {
      return "";
    }
    Pointer decoder;
    try {
      decoder = decoders.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while waiting for a decoder");
    }
    try {
      if (lib.startUtt().invokeInt(new Object[] {decoder}) < 0) {
        throw new EngineException("pocketsphinx could not start an utterance");
      }
      int processed = lib.processRaw().invokeInt(new Object[] {decoder, samples, (long) samples.length, 0, 1});
      int ended = lib.endUtt().invokeInt(new Object[] {decoder});
      if (processed < 0 || ended < 0) {
        throw new EngineException("pocketsphinx failed to decode " + samples.length + " samples");
      }
      Pointer hyp = lib.getHyp().invokePointer(new Object[] {decoder, null});
      return hyp == null ? "" : hyp.getString(0).trim();
    } finally {
      decoders.add(decoder);
    }
  }

  /** Frees each decoder once it is back from the call using it; one still busy after the wait is left alone. */
  @Override
  public void close() {
    for (int i = 0; i < all.size(); i++) {
      try {
        Pointer d = decoders.poll(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        if (d != null) {
          lib.psFree().invokeInt(new Object[] {d});
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
