package dev.parley.session;

import dev.parley.store.NodeInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Comparator;
import java.util.TreeSet;

/** The language pairs that can be translated now: those of the nodes that are ready, for {@code /api/languages}. */
final class ServedPairs {
  private record Pair(String src, String tgt) {}

  private static final Comparator<Pair> ORDER = Comparator.comparing(Pair::src).thenComparing(Pair::tgt);

  private ServedPairs() {}

  /** {@code {"pairs":[{"src":"en","tgt":"es"},...]}}, distinct, sorted by source then target. */
  static JsonObject of(Collection<NodeInfo> nodes) {
    TreeSet<Pair> pairs = new TreeSet<>(ORDER);
    for (NodeInfo node : nodes) {
      if (node.status() != NodeInfo.NodeStatus.READY) {
        continue;
      }
      for (String pair : node.pairs()) {
        int split = pair.indexOf('>');
        if (split > 0 && split < pair.length() - 1) {
          pairs.add(new Pair(pair.substring(0, split), pair.substring(split + 1)));
        }
      }
    }
    JsonArray out = new JsonArray();
    for (Pair p : pairs) {
      out.add(new JsonObject().put("src", p.src()).put("tgt", p.tgt()));
    }
    return new JsonObject().put("pairs", out);
  }
}
