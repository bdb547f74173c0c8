package dev.parley.codecs.protocol;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Typed readers for message fields. Required readers throw {@code MISSING_FIELD} for an absent
 * field; every reader throws {@code BAD_JSON} for a value of the wrong JSON type. An explicit JSON
 * {@code null} counts as absent, since clients send optional fields as null.
 */
public final class Fields {
  static final byte[] NO_BYTES = new byte[0];

  private Fields() {}

  public static String str(JsonObject json, String name) {
    return asStr(required(json, name), name);
  }

  public static String optStr(JsonObject json, String name, String def) {
    Object v = json.getValue(name);
    return v == null ? def : asStr(v, name);
  }

  public static int i32(JsonObject json, String name) {
    return toInt(integral(required(json, name), name), name);
  }

  public static Integer optI32(JsonObject json, String name, Integer def) {
    Object v = json.getValue(name);
    return v == null ? def : Integer.valueOf(toInt(integral(v, name), name));
  }

  public static long i64(JsonObject json, String name) {
    return integral(required(json, name), name);
  }

  public static Long optI64(JsonObject json, String name, Long def) {
    Object v = json.getValue(name);
    return v == null ? def : Long.valueOf(integral(v, name));
  }

  public static double num(JsonObject json, String name) {
    return asNum(required(json, name), name);
  }

  public static Double optNum(JsonObject json, String name, Double def) {
    Object v = json.getValue(name);
    return v == null ? def : Double.valueOf(asNum(v, name));
  }

  public static boolean bool(JsonObject json, String name) {
    return asBool(required(json, name), name);
  }

  public static boolean optBool(JsonObject json, String name, boolean def) {
    Object v = json.getValue(name);
    return v == null ? def : asBool(v, name);
  }

  /** A required base64 field; an empty string is valid and gives an empty array. */
  public static byte[] bytes(JsonObject json, String name) {
    return decodeBase64(asStr(required(json, name), name), name);
  }

  /** An optional base64 field; absent gives an empty array, never null. */
  public static byte[] optBytes(JsonObject json, String name) {
    Object v = json.getValue(name);
    return v == null ? NO_BYTES : decodeBase64(asStr(v, name), name);
  }

  public static JsonObject obj(JsonObject json, String name) {
    return asObj(required(json, name), name);
  }

  public static JsonObject optObj(JsonObject json, String name) {
    Object v = json.getValue(name);
    return v == null ? null : asObj(v, name);
  }

  public static JsonArray arr(JsonObject json, String name) {
    return asArr(required(json, name), name);
  }

  public static JsonArray optArr(JsonObject json, String name) {
    Object v = json.getValue(name);
    return v == null ? null : asArr(v, name);
  }

  /** A required nested object, decoded by {@code reader}. */
  public static <T> T nested(JsonObject json, String name, Function<JsonObject, T> reader) {
    return reader.apply(obj(json, name));
  }

  /** An optional nested object, decoded by {@code reader}; null when absent. */
  public static <T> T optNested(JsonObject json, String name, Function<JsonObject, T> reader) {
    JsonObject o = optObj(json, name);
    return o == null ? null : reader.apply(o);
  }

  /** An optional array of strings; absent gives an empty list. */
  public static List<String> optStrList(JsonObject json, String name) {
    JsonArray a = optArr(json, name);
    if (a == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      Object v = a.getValue(i);
      if (!(v instanceof String s)) {
        throw wrongType(name + "[" + i + "]", "a string");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** An optional array of objects, each decoded by {@code reader}; absent gives an empty list. */
  public static <T> List<T> optObjList(
      JsonObject json, String name, Function<JsonObject, T> reader) {
    JsonArray a = optArr(json, name);
    if (a == null) {
      return List.of();
    }
    List<T> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      Object v = a.getValue(i);
      if (!(v instanceof JsonObject o)) {
        throw wrongType(name + "[" + i + "]", "an object");
      }
      out.add(reader.apply(o));
    }
    return List.copyOf(out);
  }

  /** Standard base64, as every audio field is sent. */
  public static String base64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  /** Puts {@code value} unless it is null: optional fields are omitted, not sent as null. */
  static void putOpt(JsonObject json, String name, Object value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  private static Object required(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v == null) {
      throw new ProtocolException(ErrorCode.MISSING_FIELD, "missing field " + name);
    }
    return v;
  }

  private static String asStr(Object v, String name) {
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(name, "a string");
  }

  private static boolean asBool(Object v, String name) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(name, "a boolean");
  }

  private static double asNum(Object v, String name) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw wrongType(name, "a number");
  }

  private static JsonObject asObj(Object v, String name) {
    if (v instanceof JsonObject o) {
      return o;
    }
    throw wrongType(name, "an object");
  }

  private static JsonArray asArr(Object v, String name) {
    if (v instanceof JsonArray a) {
      return a;
    }
    throw wrongType(name, "an array");
  }

  /** Any JSON number with an integral value that fits a long (1.0 is accepted, 1.5 is not). */
  private static long integral(Object v, String name) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      if (b.bitLength() < 64) {
        return b.longValue();
      }
      throw outOfRange(name);
    }
    if (v instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        throw d.stripTrailingZeros().scale() > 0 ? notIntegral(name) : outOfRange(name);
      }
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d != Math.rint(d)) { // true for NaN too
        throw notIntegral(name);
      }
      if (d < -0x1p63 || d >= 0x1p63) {
        throw outOfRange(name);
      }
      return (long) d;
    }
    throw wrongType(name, "a number");
  }

  private static int toInt(long v, String name) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw outOfRange(name);
    }
    return (int) v;
  }

  private static byte[] decodeBase64(String s, String name) {
    if (s.isEmpty()) {
      return NO_BYTES;
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(ErrorCode.BAD_AUDIO, "invalid base64 in " + name);
    }
  }

  private static ProtocolException wrongType(String name, String kind) {
    return new ProtocolException(ErrorCode.BAD_JSON, "field " + name + " must be " + kind);
  }

  private static ProtocolException notIntegral(String name) {
    return new ProtocolException(ErrorCode.BAD_JSON, "field " + name + " must be an integer");
  }

  private static ProtocolException outOfRange(String name) {
    return new ProtocolException(ErrorCode.BAD_JSON, "field " + name + " is out of range");
  }
}
