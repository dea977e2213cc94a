package dev.castrelay.relay.transcode;

import dev.castrelay.relay.Relay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.transcoder.RenditionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole transcoding path with real peers: ffmpeg publishes 20 s of 1280x720 H.264/AAC to the relay, which
 * encodes a 16:9 {@code main} and a 9:16 {@code vertical} rendition, each pushed to its own nginx-rtmp platform;
 * ffprobe then reads what each platform recorded. One stream for the class; each test checks one property of it.
 *
 * <p>When the publisher ends, the renditions go on with the slate (that is the product's behaviour); the relay is
 * closed as soon as health reports the slate, so the recordings end within a few frames of the published media.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscodeEndToEndTest {

    private static final String KEY = "transcode-e2e";
    private static final Duration PUBLISHED = Duration.ofSeconds(20);
    private static final double KEYFRAME_SECONDS = 2;
    private static final double FPS = 30;

    private final List<AutoCloseable> peers = new ArrayList<>();
    private MediaInfo main;
    private MediaInfo vertical;

    @BeforeAll
    void publishThroughTheRelay() throws Exception {
        NginxRtmpSink mainSink = open(NginxRtmpSink.start());
        NginxRtmpSink verticalSink = open(NginxRtmpSink.start());
        Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                .rendition("main", "width: 960, height: 540, fps: 30, bitrate: 1500k, keyframeSeconds: 2, preset: ultrafast")
                .rendition("vertical", "width: 360, height: 640, fit: crop, fps: 30, bitrate: 800k, keyframeSeconds: 2, "
                        + "preset: ultrafast")
                .target("platform-16x9", "main", mainSink.url(), "main-key")
                .target("platform-9x16", "vertical", verticalSink.url(), "vertical-key")
                .load());
        try {
            FfmpegPublisher publisher = open(FfmpegPublisher.builder().size(1280, 720).fps(30).duration(PUBLISHED)
                    .videoBitrateKbps(2500).publish(ingestUrl(relay, KEY)));
            assertThat(publisher.awaitExit(PUBLISHED.plusSeconds(30))).as(publisher.stderrTail()).isZero();
            RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(5));
        } finally {
            relay.close();
        }
        main = Ffprobe.probe(mainSink.awaitRecording(Duration.ofSeconds(10)));
        vertical = Ffprobe.probe(verticalSink.awaitRecording(Duration.ofSeconds(10)));
    }

    @AfterAll
    void closePeers() throws Exception {
        for (AutoCloseable peer : peers) {
            peer.close();
        }
    }

    @Test
    void eachRecordingHasItsRenditionsSize() {
        assertThat(main.video()).extracting(MediaInfo.Video::width, MediaInfo.Video::height).containsExactly(960, 540);
        assertThat(vertical.video()).extracting(MediaInfo.Video::width, MediaInfo.Video::height).containsExactly(360, 640);
    }

    @Test
    void eachRecordingIsH264AndAac() {
        for (MediaInfo info : List.of(main, vertical)) {
            assertThat(info.video().codec()).isEqualTo("h264");
            assertThat(info.audio().codec()).isEqualTo("aac");
        }
    }

    @Test
    void eachRecordingLastsAsLongAsThePublishedStream() {
        double published = PUBLISHED.toMillis() / 1000.0;
        assertThat(main.durationSeconds()).isCloseTo(published, within(0.5));
        assertThat(vertical.durationSeconds()).isCloseTo(published, within(0.5));
    }

    @Test
    void keyframesComeExactlyEveryKeyframeSeconds() {
        for (MediaInfo info : List.of(main, vertical)) {
            List<Double> keyframes = info.video().keyframeTimes();
            assertThat(keyframes).as("keyframes").hasSizeGreaterThanOrEqualTo(10);
            for (int i = 1; i < keyframes.size(); i++) {
                assertThat(keyframes.get(i) - keyframes.get(i - 1)).as("keyframe interval before %s s", keyframes.get(i))
                        .isCloseTo(KEYFRAME_SECONDS, within(1 / FPS + 0.001));
            }
        }
    }

    @Test
    void audioAndVideoStartTogether() {
        for (MediaInfo info : List.of(main, vertical)) {
            assertThat(info.audio().firstPts()).isCloseTo(info.video().firstPts(), within(0.050));
        }
    }

    private <T extends AutoCloseable> T open(T peer) {
        peers.add(0, peer);
        return peer;
    }

    static String ingestUrl(Relay relay, String key) {
        return "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/" + TranscodeConfig.APP + "/" + key;
    }
}
