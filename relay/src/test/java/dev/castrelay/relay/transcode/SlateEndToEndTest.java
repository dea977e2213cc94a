package dev.castrelay.relay.transcode;

import dev.castrelay.relay.Relay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.transcoder.RenditionState;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * An ingest drop with real peers: ffmpeg publishes 1280x720 for 6 s and stops; 8 s later it publishes again at
 * 854x480. Both renditions' platforms (nginx-rtmp) must see one unbroken publish with the slate filling the outage.
 * One scenario for the class; each test checks one property of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlateEndToEndTest {

    private static final String KEY = "slate-e2e";
    private static final Duration BEFORE_DROP = Duration.ofSeconds(6);
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final Duration AFTER_RETURN = Duration.ofSeconds(5);
    private static final double FPS = 30;
    private static final double AAC_FRAME_SECONDS = 1024 / 48_000.0;
    /** ffprobe prints FLV's millisecond timestamps; a frame step of 33 or 34 ms is one frame. */
    private static final double MS_ROUNDING = 0.0015;

    private final List<AutoCloseable> peers = new ArrayList<>();
    private final Map<String, NginxRtmpSink> sinks = new java.util.LinkedHashMap<>();
    private final Map<String, Path> recordings = new java.util.LinkedHashMap<>();
    private final Map<String, Integer> sessionsWhileStreaming = new java.util.LinkedHashMap<>();
    private List<RenditionHealth> healthDuringOutage;
    private List<RenditionHealth> healthAfterReturn;
    private long slateAfterMillis;
    /** Where the outage lies on the renditions' clock (s), from wall times relative to the first encoded frame. */
    private double outageStart;
    private double outageEnd;
    @TempDir
    static Path archiveDir;

    @BeforeAll
    void dropTheIngestAndComeBack() throws Exception {
        sinks.put("main", open(NginxRtmpSink.start()));
        sinks.put("vertical", open(NginxRtmpSink.start()));
        Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                .rendition("main", "width: 960, height: 540, fps: 30, bitrate: 1500k, keyframeSeconds: 2, preset: ultrafast")
                .rendition("vertical", "width: 360, height: 640, fit: crop, fps: 30, bitrate: 800k, keyframeSeconds: 2, "
                        + "preset: ultrafast")
                .target("platform-16x9", "main", sinks.get("main").url(), "main-key")
                .target("platform-9x16", "vertical", sinks.get("vertical").url(), "vertical-key")
                .archive("archive", "main", archiveDir)
                .load());
        try {
            String url = TranscodeEndToEndTest.ingestUrl(relay, KEY);
            FfmpegPublisher first = open(FfmpegPublisher.builder().size(1280, 720).untilStopped().publish(url));
            RenditionStates.await(relay, RenditionState.ENCODING, Duration.ofSeconds(15));
            long encodingSince = System.nanoTime();
            hold(BEFORE_DROP);
            first.stop();
            long dropped = System.nanoTime();
            RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(5));
            slateAfterMillis = (System.nanoTime() - dropped) / 1_000_000;
            outageStart = (dropped - encodingSince) / 1e9;

            hold(OUTAGE.dividedBy(2));
            healthDuringOutage = relay.health().renditions();
            hold(OUTAGE.dividedBy(2));
            FfmpegPublisher second = open(FfmpegPublisher.builder().size(854, 480).untilStopped().publish(url));
            long returned = System.nanoTime();
            outageEnd = (returned - encodingSince) / 1e9;
            healthAfterReturn = RenditionStates.await(relay, RenditionState.ENCODING, Duration.ofSeconds(10));
            hold(AFTER_RETURN);
            second.stop();
            sinks.forEach((id, sink) -> sessionsWhileStreaming.put(id, sink.publishSessions()));
            RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(5));
        } finally {
            relay.close();
        }
        for (var e : sinks.entrySet()) {
            recordings.put(e.getKey(), e.getValue().awaitRecording(Duration.ofSeconds(10)));
        }
    }

    /** The scenario's own timing (how long a stream runs or an outage lasts): nothing to wait for but the clock. */
    private static void hold(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @AfterAll
    void closePeers() throws Exception {
        for (AutoCloseable peer : peers) {
            peer.close();
        }
    }

    @Test
    void renditionsSwitchToTheSlateWithinOneSecond() {
        assertThat(slateAfterMillis).isLessThanOrEqualTo(1000);
    }

    @Test
    void healthShowsTheSlateDuringTheOutage() {
        assertThat(healthDuringOutage).extracting(RenditionHealth::state).containsOnly(RenditionState.SLATE);
    }

    @Test
    void healthShowsEncodingAfterTheIngestReturns() {
        assertThat(healthAfterReturn).extracting(RenditionHealth::state).containsOnly(RenditionState.ENCODING);
    }

    @Test
    void eachPlatformSeesOnePublishSessionThroughTheDrop() {
        sinks.forEach((id, sink) -> {
            assertThat(sessionsWhileStreaming.get(id)).as("%s sessions ended while streaming", id).isZero();
            assertThat(sink.publishSessions()).as("%s sessions", id).isEqualTo(1);
            assertThat(sink.recordings()).as("%s recordings", id).hasSize(1);
        });
    }

    @Test
    void timestampsIncreaseWithoutGaps() {
        recordings.forEach((id, file) -> {
            Timeline t = Timeline.of(file);
            assertThat(Timeline.nonIncreasing(t.video())).as("%s video", id).isEmpty();
            assertThat(Timeline.nonIncreasing(t.audio())).as("%s audio", id).isEmpty();
            assertThat(Timeline.gapsLongerThan(t.video(), 2 / FPS + MS_ROUNDING)).as("%s video gaps", id).isEmpty();
            assertThat(Timeline.gapsLongerThan(t.audio(), 2 * AAC_FRAME_SECONDS + MS_ROUNDING)).as("%s audio gaps", id)
                    .isEmpty();
        });
    }

    @Test
    void framesContinueAtTheRenditionRateThroughTheOutage() {
        double from = outageStart + 1;
        double to = outageEnd - 1;
        recordings.forEach((id, file) -> assertThat(Timeline.countBetween(Timeline.of(file).video(), from, to))
                .as("%s video frames in [%.1f, %.1f) s", id, from, to)
                .isGreaterThanOrEqualTo((long) Math.floor((to - from) * FPS * 0.97)));
    }

    @Test
    void theOutageShowsAStillCardBetweenMovingPictures() {
        double middle = (outageStart + outageEnd) / 2;
        recordings.forEach((id, file) -> {
            assertThat(Timeline.lumaChange(file, 1, outageStart - 1)).as("%s before the drop", id).isGreaterThan(3);
            assertThat(Timeline.lumaChange(file, middle - 2, middle + 2)).as("%s during the outage", id).isLessThan(0.5);
            assertThat(Timeline.lumaChange(file, outageEnd + 1, outageEnd + 3)).as("%s after the return", id)
                    .isGreaterThan(3);
        });
    }

    @Test
    void theRecordingKeepsTheRenditionSizeAfterTheIngestChangesSize() {
        assertThat(Ffprobe.probe(recordings.get("main")).video())
                .extracting(MediaInfo.Video::width, MediaInfo.Video::height).containsExactly(960, 540);
        assertThat(Ffprobe.probe(recordings.get("vertical")).video())
                .extracting(MediaInfo.Video::width, MediaInfo.Video::height).containsExactly(360, 640);
    }

    @Test
    void theArchiveRecordsTheProgramThroughTheSlateInOneFileWithoutAGap() throws IOException {
        List<Path> files;
        try (var list = Files.list(archiveDir)) {
            files = list.toList();
        }
        assertThat(files).as("archive files").hasSize(1);
        Path file = files.get(0);
        Timeline t = Timeline.of(file);
        assertThat(Timeline.nonIncreasing(t.video())).as("archive video").isEmpty();
        assertThat(Timeline.nonIncreasing(t.audio())).as("archive audio").isEmpty();
        assertThat(Timeline.gapsLongerThan(t.video(), 2 / FPS + MS_ROUNDING)).as("archive video gaps").isEmpty();
        assertThat(Timeline.gapsLongerThan(t.audio(), 2 * AAC_FRAME_SECONDS + MS_ROUNDING)).as("archive audio gaps")
                .isEmpty();
        assertThat(Ffprobe.probe(file).durationSeconds()).as("archive duration")
                .isCloseTo(Ffprobe.probe(recordings.get("main")).durationSeconds(), Offset.offset(1.0));
        assertThat(Ffprobe.decodeErrors(file)).as("archive decode errors").isEmpty();
    }

    private <T extends AutoCloseable> T open(T peer) {
        peers.add(0, peer);
        return peer;
    }
}
