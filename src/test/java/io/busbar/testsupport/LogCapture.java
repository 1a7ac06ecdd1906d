package io.busbar.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the test JVM while open, each formatted with its logger, message and full stack
 * trace, with every logger (the root and those {@code logback-test.xml} names) turned to a given level. Closing
 * detaches it and restores the levels.
 */
public final class LogCapture implements AutoCloseable {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Map<Logger, Level> previousLevels = new HashMap<>();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender;

  private LogCapture(Level level) {
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.setPattern("%-5level %logger [%thread] %msg%n%ex{full}");
    layout.start();
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        lines.add(layout.doLayout(event));
      }
    };
    appender.setContext(context);
    appender.setName("capture");
    appender.start();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        previousLevels.put(logger, logger.getLevel());
        logger.setLevel(level);
      }
    }
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  /** Starts capturing with every configured logger at {@code level}. */
  public static LogCapture start(Level level) {
    return new LogCapture(level);
  }

  /** The events captured so far, formatted. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
    previousLevels.forEach(Logger::setLevel);
  }
}
