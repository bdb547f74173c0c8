package dev.parley.codecs.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Number forms that a JsonObject built in code (not parsed) can hold. */
class FieldsTest {

  @Test
  void bigNumbersAreCheckedForRangeAndIntegrality() {
    JsonObject json =
        new JsonObject()
            .put("big_int", BigInteger.valueOf(Long.MAX_VALUE))
            .put("too_big", BigInteger.ONE.shiftLeft(63))
            .put("dec_int", new BigDecimal("12.000"))
            .put("dec_frac", new BigDecimal("12.5"))
            .put("dec_huge", new BigDecimal("1e30"))
            .put("float", 2.0f)
            .put("nan", Double.NaN);
    assertThat(Fields.i64(json, "big_int")).isEqualTo(Long.MAX_VALUE);
    assertThat(Fields.i32(json, "dec_int")).isEqualTo(12);
    assertThat(Fields.optI64(json, "float", null)).isEqualTo(2L);
    assertBadJson(() -> Fields.i64(json, "too_big"), "field too_big is out of range");
    assertBadJson(() -> Fields.i64(json, "dec_frac"), "field dec_frac must be an integer");
    assertBadJson(() -> Fields.i64(json, "dec_huge"), "field dec_huge is out of range");
    assertBadJson(() -> Fields.i32(json, "big_int"), "field big_int is out of range");
    assertBadJson(() -> Fields.i64(json, "nan"), "field nan must be an integer");
  }

  @Test
  void optionalReadersReturnTheirDefault() {
    JsonObject json = new JsonObject().putNull("n");
    assertThat(Fields.optStr(json, "n", "d")).isEqualTo("d");
    assertThat(Fields.optI32(json, "absent", 7)).isEqualTo(7);
    assertThat(Fields.optI64(json, "absent", null)).isNull();
    assertThat(Fields.optNum(json, "absent", 1.5)).isEqualTo(1.5);
    assertThat(Fields.optBool(json, "n", true)).isTrue();
    assertThat(Fields.optBytes(json, "n")).isEmpty();
    assertThat(Fields.optObj(json, "absent")).isNull();
    assertThat(Fields.optArr(json, "absent")).isNull();
    assertThat(Fields.optStrList(json, "absent")).isEmpty();
    assertThat(Fields.optNested(json, "n", LanguagePair::fromJson)).isNull();
  }

  private static void assertBadJson(Runnable read, String message) {
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON))
        .hasMessage(message);
  }
}
