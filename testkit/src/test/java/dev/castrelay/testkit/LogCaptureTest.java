package dev.castrelay.testkit;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class LogCaptureTest {

    private static final Logger log = LoggerFactory.getLogger(LogCaptureTest.class);
    private static final Logger other = LoggerFactory.getLogger("some.other.logger");

    @Test
    void keepsEachLineWithItsLevelLoggerAndEveryExceptionsMessage() {
        IOException cause = new IOException("inner detail");
        IllegalStateException failure = new IllegalStateException("outer", cause);
        failure.addSuppressed(new RuntimeException("suppressed detail"));

        try (LogCapture capture = LogCapture.attach()) {
            log.warn("target {}: live -> reconnecting", "alpha", failure);

            assertThat(capture.lines()).singleElement().isEqualTo("WARN " + LogCaptureTest.class.getName()
                    + " - target alpha: live -> reconnecting | java.lang.IllegalStateException: outer"
                    + " | java.lang.RuntimeException: suppressed detail | java.io.IOException: inner detail");
        }
    }

    @Test
    void givesOneLoggersMessagesAloneAndFindsLinesByText() {
        try (LogCapture capture = LogCapture.attach()) {
            log.info("first");
            other.info("elsewhere");
            log.error("second", new RuntimeException("why"));

            assertThat(capture.messagesOf(LogCaptureTest.class.getName())).containsExactly("first", "second");
            assertThat(capture.linesContaining("elsewhere")).containsExactly("INFO some.other.logger - elsewhere");
        }
    }

    @Test
    void keepsNothingOnceClosed() {
        LogCapture capture = LogCapture.attach();
        capture.close();

        log.info("after close");

        assertThat(capture.lines()).isEmpty();
    }
}
