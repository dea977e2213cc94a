package dev.castrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NginxRtmpSinkTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void recordsAPublishThatFfprobeReadsAsH264AndAac() {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             FfmpegPublisher ffmpeg = FfmpegPublisher.builder().duration(Duration.ofSeconds(5))
                     .publish(sink.streamUrl("test"))) {
            assertThat(ffmpeg.awaitExit(TIMEOUT)).as(ffmpeg.stderrTail()).isZero();

            Path recording = sink.awaitRecording(TIMEOUT);
            MediaInfo info = Ffprobe.probe(recording);

            assertThat(recording.getFileName().toString()).startsWith("test-").endsWith(".flv");
            assertThat(info.video().codec()).isEqualTo("h264");
            assertThat(info.video().width()).isEqualTo(640);
            assertThat(info.video().height()).isEqualTo(360);
            assertThat(info.video().frames()).isBetween(140, 155);
            assertThat(info.video().keyframeTimes()).hasSizeBetween(2, 4);
            assertThat(info.audio().codec()).isEqualTo("aac");
            assertThat(info.audio().sampleRate()).isEqualTo(48000);
            assertThat(info.audio().channels()).isEqualTo(2);
            assertThat(info.durationSeconds()).isBetween(4.5, 5.5);
            assertThat(Ffprobe.decodeErrors(recording)).isEmpty();
        }
    }

    @Test
    void deniedPublishMakesFfmpegFailAndRecordsNothing() {
        try (NginxRtmpSink sink = NginxRtmpSink.builder().denyPublish().start();
             FfmpegPublisher ffmpeg = FfmpegPublisher.builder().duration(Duration.ofSeconds(2))
                     .publish(sink.streamUrl("refused"))) {
            assertThat(ffmpeg.awaitExit(TIMEOUT)).as(ffmpeg.stderrTail()).isNotZero();
            assertThat(sink.recordings()).isEmpty();
            assertThat(sink.refusedPublishes()).isEqualTo(1);
        }
    }

    @Test
    void frozenWorkerStopsRecordingUntilThawed() throws Exception {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             FfmpegPublisher ffmpeg = FfmpegPublisher.builder().untilStopped().publish(sink.streamUrl("frozen"))) {
            await().atMost(TIMEOUT).until(() -> !sink.recordings().isEmpty());
            Path recording = sink.recordings().get(0);

            sink.freezeWorker();
            assertThat(processState(sink.workerPid())).isEqualTo("T");
            long frozenSize = Files.size(recording);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> Files.size(recording) == frozenSize);

            sink.thawWorker();
            await().atMost(TIMEOUT).until(() -> Files.size(recording) > frozenSize);
            assertThat(ffmpeg.stop()).as(ffmpeg.stderrTail()).isZero();
        }
    }

    @Test
    void killedSinkRefusesConnectionsAndRestartsOnTheSamePort() {
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            int port = sink.port();
            long worker = sink.workerPid();

            sink.kill();
            assertThat(Processes.accepts(port)).isFalse();
            assertThat(ProcessHandle.of(worker)).isEmpty();

            sink.restart();
            assertThat(sink.port()).isEqualTo(port);
            assertThat(Processes.accepts(port)).isTrue();
        }
    }

    @Test
    void closeLeavesNoNginxRunning() {
        NginxRtmpSink sink = NginxRtmpSink.start();
        long worker = sink.workerPid();
        sink.freezeWorker(); // a frozen worker must not survive close either

        sink.close();

        assertThat(ProcessHandle.of(worker)).isEmpty();
        assertThat(Processes.accepts(sink.port())).isFalse();
    }

    private static String processState(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }
}
