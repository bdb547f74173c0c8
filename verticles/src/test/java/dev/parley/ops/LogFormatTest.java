package dev.parley.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped {@code conf/logback.xml} (the jar's logback.xml): a job's ids as text, or as JSON fields. */
class LogFormatTest {

  /** What the configuration writes to standard error for one job line, with the given properties set. */
  private static List<String> linesFor(String format) throws JoranException {
    URL shipped = LogFormatTest.class.getResource("/logback.xml");
    assertThat(shipped).as("conf/logback.xml on the classpath").isNotNull();
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // what the SLF4J provider gives the context it makes
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      if (format != null) {
        context.putProperty("PARLEY_LOG_FORMAT", format);
      }
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(shipped);
      assertThat(context.getStatusManager().getCopyOfStatusList())
          .as("the configuration reads without a warning (which would print logback's whole status at start)")
          .allSatisfy(st -> assertThat(st.getLevel()).isEqualTo(Status.INFO));
      context.getLogger("dev.parley.jobs").atInfo().setMessage("job COMPLETED (node report)")
          .addKeyValue("job_id", "j-1").addKeyValue("attempt_id", 2).addKeyValue("session_id", "s-1").log();
      context.getLogger("dev.parley.jobs").debug("below the level: not written");
      context.stop(); // the async appender writes what it holds before it stops
    } finally {
      System.setErr(stderr);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void byDefaultAJobLineIsTextWithItsIdsAsKeyValuePairs() throws JoranException {
    List<String> lines = linesFor(null);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("INFO").contains("dev.parley.jobs").contains("job COMPLETED (node report)")
        .endsWith("job_id=j-1 attempt_id=2 session_id=s-1");
  }

  @Test
  void withJsonFormatEachLineIsOneJsonObjectWhoseIdsAreFields() throws JoranException {
    List<String> lines = linesFor("JSON");
    assertThat(lines).hasSize(1);
    JsonObject line = new JsonObject(lines.get(0));
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("loggerName")).isEqualTo("dev.parley.jobs");
    assertThat(line.getString("formattedMessage")).isEqualTo("job COMPLETED (node report)");
    JsonObject ids = new JsonObject();
    JsonArray pairs = line.getJsonArray("kvpList");
    pairs.forEach(p -> ids.mergeIn((JsonObject) p));
    assertThat(ids.getString("job_id")).isEqualTo("j-1");
    assertThat(ids.getString("session_id")).isEqualTo("s-1");
    assertThat(ids.getValue("attempt_id").toString()).isEqualTo("2");
  }
}
