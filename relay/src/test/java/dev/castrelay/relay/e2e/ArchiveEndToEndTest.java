package dev.castrelay.relay.e2e;

import dev.castrelay.relay.Relay;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive target end to end: ffmpeg publishes to the relay, which pushes to an nginx-rtmp platform and records
 * on local disk; ffprobe and a full decode judge the files.
 */
class ArchiveEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(ArchiveEndToEndTest.class);

    static final String INGEST_KEY = "archive-ingest-key";
    static final int FPS = 30;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void eachPublishIsRecordedWholeInAFileOfItsOwn() throws Exception {
        Path archive = Files.createDirectory(dir.resolve("archive"));
        Duration first = Duration.ofSeconds(12);
        Duration second = Duration.ofSeconds(5);
        try (NginxRtmpSink platform = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(platform.url(), "relayed")
                     .archive(archive, "").load())) {
            publish(relay, first);
            await().atMost(TIMEOUT).until(() -> state(relay, "archive") == TargetState.WAITING);
            publish(relay, second);
            await().atMost(TIMEOUT).until(() -> state(relay, "archive") == TargetState.WAITING);

            List<Path> files = files(archive);
            assertThat(files).as("one file per publish").hasSize(2);
            assertThat(files).allSatisfy(f -> assertThat(f.getFileName().toString())
                    .matches("archive-\\d{8}T\\d{6}Z\\.ts"));
            assertWhole(files.get(0), first);
            assertWhole(files.get(1), second);
            assertThat(relay.targets().health("archive").droppedFrames()).isZero();
            assertThat(relay.targets().health("archive").bytesSent())
                    .isEqualTo(Files.size(files.get(0)) + Files.size(files.get(1)));
        }
    }

    @Test
    void aNewFileBeginsEverySegmentAndTogetherTheyHoldTheWholeStream() throws Exception {
        Path archive = Files.createDirectory(dir.resolve("archive"));
        Duration published = Duration.ofSeconds(14);
        // 0.05 minutes: a file every 3 s (at the next keyframe, one a second here).
        try (NginxRtmpSink platform = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(platform.url(), "relayed")
                     .archive(archive, "segmentMinutes: 0.05").load())) {
            publish(relay, published, 1);
            await().atMost(TIMEOUT).until(() -> state(relay, "archive") == TargetState.WAITING);

            List<Path> files = files(archive);
            double total = 0;
            int frames = 0;
            for (Path f : files) {
                MediaInfo info = Ffprobe.probe(f);
                log.info("{}: {} s, {} frames", f.getFileName(), info.durationSeconds(), info.video().frames());
                assertThat(info.durationSeconds()).as(f + " duration").isLessThan(3 + 1 + 0.5);
                assertThat(Ffprobe.decodeErrors(f)).as(f + " decode errors").isEmpty();
                total += info.durationSeconds();
                frames += info.video().frames();
            }
            assertThat(files).as("files of 3 s in a %d s stream", published.toSeconds()).hasSizeBetween(4, 5);
            assertThat(total).as("the files together").isCloseTo(published.toSeconds(), Offset.offset(1.0));
            assertThat(frames).as("frames in the files together").isEqualTo(FPS * (int) published.toSeconds());
        }
    }

    @Test
    void aRelayThatReachesNoPlatformIsCriticalHoweverWellItsArchiveRecords() throws Exception {
        Path archive = Files.createDirectory(dir.resolve("archive"));
        NginxRtmpSink gone = NginxRtmpSink.start();
        String url = gone.url();
        gone.close(); // the only platform is down for the whole broadcast
        try (Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(url, "unreachable")
                .archive(archive, "").load());
             FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).fps(FPS).untilStopped()
                     .publish(PassthroughEndToEndTest.ingestUrl(relay, INGEST_KEY))) {
            await().atMost(TIMEOUT).until(() -> state(relay, "archive") == TargetState.LIVE);
            assertThat(relay.health().status()).as("status with only the archive live")
                    .isEqualTo(dev.castrelay.relay.RelayHealth.Status.CRITICAL);
        }
    }

    static void publish(Relay relay, Duration duration) throws Exception {
        publish(relay, duration, 2);
    }

    static void publish(Relay relay, Duration duration, int gopSeconds) throws Exception {
        try (FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).fps(FPS).duration(duration)
                .gopSeconds(gopSeconds).publish(PassthroughEndToEndTest.ingestUrl(relay, INGEST_KEY))) {
            assertThat(encoder.awaitExit(TIMEOUT)).as(encoder.stderrTail()).isZero();
        }
    }

    static TargetState state(Relay relay, String id) {
        return relay.targets().health(id).state();
    }

    static List<Path> files(Path archive) throws IOException {
        try (Stream<Path> s = Files.list(archive)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".ts")).sorted().toList();
        }
    }

    /** The file holds {@code published} of 640x360 H.264 and AAC, and decodes without an error. */
    static void assertWhole(Path file, Duration published) {
        MediaInfo got = Ffprobe.probe(file);
        log.info("{}: {} s, {} video frames, {} audio packets", file.getFileName(), got.durationSeconds(),
                got.video() == null ? 0 : got.video().frames(), got.audio() == null ? 0 : got.audio().packets());
        assertThat(got.video().codec()).isEqualTo("h264");
        assertThat(got.video().width()).isEqualTo(640);
        assertThat(got.audio().codec()).isEqualTo("aac");
        assertThat(got.audio().sampleRate()).isEqualTo(48_000);
        assertThat(got.durationSeconds()).as(file + " duration").isCloseTo(published.toMillis() / 1000.0,
                Offset.offset(1.0));
        assertThat(got.video().frames()).as(file + " frames").isEqualTo(FPS * (int) published.toSeconds());
        assertThat(Ffprobe.decodeErrors(file)).as(file + " decode errors").isEmpty();
    }

    static TargetHealth health(Relay relay, String id) {
        return relay.targets().health(id);
    }
}
