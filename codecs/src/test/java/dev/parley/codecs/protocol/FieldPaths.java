package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** Every field of a frame, nested ones included, as a path from the root, for table tests. */
record FieldPaths(List<Object> path) {
  /** Objects whose content is free-form JSON, not protocol fields. */
  private static final Set<String> FREE_FORM = Set.of("details", "features_supported");

  static List<FieldPaths> of(JsonObject root) {
    List<FieldPaths> out = new ArrayList<>();
    collect(root, new ArrayList<>(), out);
    return out;
  }

  private static void collect(JsonObject json, List<Object> prefix, List<FieldPaths> out) {
    for (String key : json.fieldNames()) {
      if (key.equals("type") && prefix.isEmpty()) {
        continue;
      }
      List<Object> path = new ArrayList<>(prefix);
      path.add(key);
      out.add(new FieldPaths(List.copyOf(path)));
      Object v = json.getValue(key);
      if (FREE_FORM.contains(key)) {
        continue;
      }
      if (v instanceof JsonObject o) {
        collect(o, path, out);
      } else if (v instanceof JsonArray a && !a.isEmpty() && a.getValue(0) instanceof JsonObject o) {
        List<Object> elementPath = new ArrayList<>(path);
        elementPath.add(0);
        collect(o, elementPath, out);
      }
    }
  }

  /** The field's own name, as error messages report it. */
  String name() {
    return (String) path.get(path.size() - 1);
  }

  /** The name of the object holding the field, or null at top level. */
  String parent() {
    for (int i = path.size() - 2; i >= 0; i--) {
      if (path.get(i) instanceof String s) {
        return s;
      }
    }
    return null;
  }

  Object valueIn(JsonObject root) {
    Object[] holder = new Object[1];
    edit(root, (obj, key) -> holder[0] = obj.getValue(key));
    return holder[0];
  }

  /** A deep copy of {@code root} with {@code change} applied to the field's holder. */
  JsonObject edited(JsonObject root, BiConsumer<JsonObject, String> change) {
    JsonObject copy = root.copy();
    edit(copy, change);
    return copy;
  }

  private void edit(JsonObject root, BiConsumer<JsonObject, String> change) {
    Object node = root;
    for (int i = 0; i < path.size() - 1; i++) {
      Object step = path.get(i);
      node =
          step instanceof String s
              ? ((JsonObject) node).getValue(s)
              : ((JsonArray) node).getValue((Integer) step);
    }
    change.accept((JsonObject) node, name());
  }

  @Override
  public String toString() {
    return String.valueOf(path);
  }
}
