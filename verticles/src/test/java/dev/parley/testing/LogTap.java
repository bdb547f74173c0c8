package dev.parley.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Keeps every line logged while it is attached, from any logger at the level it is set to, for a test to look at. */
public final class LogTap extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private LogTap() {}

  public static LogTap attach() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    LogTap tap = new LogTap();
    tap.setContext(root.getLoggerContext());
    tap.start();
    root.addAppender(tap);
    return tap;
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  /** Vert.x's warnings that a thread of an event loop (or a worker) ran past its limit. */
  public List<String> blockedThreads() {
    return events.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("has been blocked"))
        .toList();
  }

  /** Every line's message, of any level. */
  public List<String> lines() {
    return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  public List<String> errors() {
    return events.stream().filter(e -> e.getLevel() == Level.ERROR)
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage() + thrown(e.getThrowableProxy())).toList();
  }

  /** The exception and the first frames of its stack, where the line has one. */
  private static String thrown(IThrowableProxy t) {
    if (t == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(" ").append(t.getClassName()).append(": ").append(t.getMessage());
    StackTraceElementProxy[] stack = t.getStackTraceElementProxyArray();
    for (int i = 0; i < Math.min(8, stack.length); i++) {
      b.append("\n  ").append(stack[i].getSTEAsString());
    }
    return b.toString();
  }

  public void clear() {
    events.clear();
  }

  @Override
  public void close() {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(this);
    stop();
  }
}
