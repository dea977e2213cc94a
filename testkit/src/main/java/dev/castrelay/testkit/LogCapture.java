package dev.castrelay.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps everything logged in this JVM while attached (to Logback's root logger), so tests can assert what the
 * relay said, or never said: a stream key, or Netty's {@code LEAK} report. Events come from any thread.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.attach()) {
 *     ...
 *     assertThat(log.lines()).noneMatch(l -> l.contains(KEY));
 * }
 * }</pre>
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** One event: who logged it and the line as {@link #lines()} gives it. */
    private record Entry(String logger, String message, String line) {
    }

    private final List<Entry> entries = new ArrayList<>();

    private LogCapture() {
    }

    /** Starts capturing; {@link #close()} stops. */
    public static LogCapture attach() {
        LogCapture capture = new LogCapture();
        capture.setName("test-capture");
        capture.setContext(root().getLoggerContext());
        capture.start();
        root().addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder()
                .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                .append(event.getFormattedMessage());
        appendThrowable(line, event.getThrowableProxy());
        synchronized (entries) {
            entries.add(new Entry(event.getLoggerName(), event.getFormattedMessage(), line.toString()));
        }
    }

    /** Each exception's class and message, its causes' and suppressed ones' too: what a secret could hide in. */
    private static void appendThrowable(StringBuilder line, IThrowableProxy t) {
        if (t == null) {
            return;
        }
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        for (IThrowableProxy suppressed : t.getSuppressed()) {
            appendThrowable(line, suppressed);
        }
        appendThrowable(line, t.getCause());
    }

    /** Every line so far: {@code LEVEL logger - message | ExceptionClass: message | CauseClass: message}. */
    public List<String> lines() {
        synchronized (entries) {
            return entries.stream().map(Entry::line).toList();
        }
    }

    /** The lines containing {@code text}. */
    public List<String> linesContaining(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    /** The formatted messages alone (no level, logger or exception) logged by {@code loggerName}. */
    public List<String> messagesOf(String loggerName) {
        synchronized (entries) {
            return entries.stream().filter(e -> e.logger().equals(loggerName)).map(Entry::message).toList();
        }
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
