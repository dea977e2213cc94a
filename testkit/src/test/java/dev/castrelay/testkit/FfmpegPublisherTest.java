package dev.castrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegPublisherTest {

    @Test
    void writtenFileHasTheRequestedShapeAndAFixedGop(@TempDir Path dir) {
        Path file = FfmpegPublisher.builder().size(320, 180).fps(25).duration(Duration.ofSeconds(4)).gopSeconds(1)
                .writeFlv(dir.resolve("pattern.flv"));

        MediaInfo info = Ffprobe.probe(file);

        assertThat(info.video().width()).isEqualTo(320);
        assertThat(info.video().height()).isEqualTo(180);
        assertThat(info.video().frames()).isEqualTo(100);
        assertThat(info.video().keyframeTimes()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(info.video().keyframeTimes().get(i)).isCloseTo(i, within(0.05));
        }
        assertThat(info.video().firstPts()).isCloseTo(0, within(0.05));
        assertThat(info.audio().firstPts()).isCloseTo(0, within(0.05));
    }

    @Test
    void stopEndsAnOpenEndedPublishCleanly() {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             FfmpegPublisher ffmpeg = FfmpegPublisher.builder().untilStopped().publish(sink.streamUrl("open"))) {
            assertThat(ffmpeg.awaitStreaming(Duration.ofSeconds(20))).as(ffmpeg.stderrTail()).isTrue();

            assertThat(ffmpeg.stop()).as(ffmpeg.stderrTail()).isZero();
            sink.awaitPublishSessions(1, Duration.ofSeconds(10));
        }
    }

    @Test
    void publishToNothingFailsWithTheReasonInStderr() {
        int closedPort = FreePorts.next();
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.publish("rtmp://127.0.0.1:" + closedPort + "/live/x")) {
            assertThat(ffmpeg.awaitExit(Duration.ofSeconds(20))).isNotZero();
            assertThat(ffmpeg.stderrTail()).containsIgnoringCase("connection refused");
        }
    }
}
