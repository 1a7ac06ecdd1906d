package io.busbar.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Records the log lines a test must never cause: every ERROR, and any line that reports an unhandled exception
 * (Vert.x logs those when a handler throws). Attached to the root logger from {@link #start()} to {@link #close()}.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();

  private LogCapture() {
  }

  /** Starts recording: attaches a new capture to the root logger. */
  public static LogCapture attach() {
    LogCapture capture = new LogCapture();
    capture.setContext(root().getLoggerContext());
    capture.setName("test-log-capture");
    capture.start();
    root().addAppender(capture);
    return capture;
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (event.getLevel().isGreaterOrEqual(Level.ERROR) || String.valueOf(message).contains("Unhandled exception")) {
      String cause = event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
      lines.add(event.getLevel() + " " + event.getLoggerName() + " - " + message + cause);
    }
  }

  /** The lines recorded so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Forgets what was recorded. */
  public void clear() {
    lines.clear();
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }
}
