package dev.castrelay.relay.e2e;

import dev.castrelay.relay.Relay;
import dev.castrelay.relay.demo.TestPatternEncoder;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The passthrough relay end to end, with nobody's code but ours in the middle: real encoders publish to the
 * relay's ingest, and real servers (nginx-rtmp, FFmpeg's RTMP server) record what the relay pushed to them.
 */
class PassthroughEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(PassthroughEndToEndTest.class);

    private static final String INGEST_KEY = "e2e-ingest-key";
    private static final Duration PUBLISHED = Duration.ofSeconds(20);
    private static final int FPS = 30;
    private static final int GOP_SECONDS = 2;
    private static final int GOP_FRAMES = FPS * GOP_SECONDS;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void streamPublishedWithFfmpegArrivesWholeAtThreeNginxSinksAndAtFfmpegsOwnServer() throws Exception {
        FfmpegPublisher.Builder content = FfmpegPublisher.builder().size(640, 360).fps(FPS).duration(PUBLISHED)
                .gopSeconds(GOP_SECONDS);
        MediaInfo source = Ffprobe.probe(content.writeFlv(dir.resolve("source.flv")));
        assertThat(source.video().frames()).as("frames in the source").isEqualTo(FPS * (int) PUBLISHED.toSeconds());

        try (NginxRtmpSink a = NginxRtmpSink.start();
             NginxRtmpSink b = NginxRtmpSink.start();
             NginxRtmpSink c = NginxRtmpSink.start();
             FfmpegListenSink ffmpegServer = FfmpegListenSink.start(dir, TIMEOUT, Duration.ofSeconds(5))) {
            List<NginxRtmpSink> nginx = List.of(a, b, c);
            PassthroughConfig config = PassthroughConfig.ingestKey(INGEST_KEY);
            nginx.forEach(sink -> config.target(sink.url(), "relayed"));
            config.target(ffmpegServer.url(), "listen");

            try (Relay relay = Relay.start(config.load());
                 FfmpegPublisher encoder = content.publish(ingestUrl(relay, INGEST_KEY))) {
                await().atMost(TIMEOUT).untilAsserted(() -> assertThat(relay.health().targets())
                        .extracting(TargetHealth::state).containsOnly(TargetState.LIVE));

                assertThat(encoder.awaitExit(TIMEOUT)).as(encoder.stderrTail()).isZero();

                List<Path> recordings = new ArrayList<>();
                for (NginxRtmpSink sink : nginx) {
                    recordings.add(sink.awaitRecording(TIMEOUT));
                }
                assertThat(ffmpegServer.awaitExit(TIMEOUT)).as(ffmpegServer.log()).isZero();
                recordings.add(ffmpegServer.output());

                for (Path recording : recordings) {
                    assertArrivedWhole(recording, source);
                }
                assertThat(relay.health().targets()).allSatisfy(t -> {
                    assertThat(t.reconnects()).as(t.id() + " reconnects").isZero();
                    assertThat(t.droppedFrames()).as(t.id() + " dropped frames").isZero();
                });
                assertThat(nginx).allSatisfy(sink -> assertThat(sink.publishSessions()).isEqualTo(1));
            }
        }
    }

    @Test
    void streamPublishedByFfmpegsRtmpClientInsideTheJvmReachesASink() throws Exception {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(sink.url(), "javacv").load());
             TestPatternEncoder encoder = new TestPatternEncoder(ingestUrl(relay, INGEST_KEY), 640, 360, 30,
                     Duration.ofSeconds(6))) {
            encoder.start();
            assertThat(encoder.await(TIMEOUT)).as("JavaCV publisher finished").isTrue();
            assertThat(encoder.failure()).isNull();

            MediaInfo got = Ffprobe.probe(sink.awaitRecording(TIMEOUT));

            assertThat(got.video().codec()).isEqualTo("h264");
            assertThat(got.video().width()).isEqualTo(640);
            assertThat(got.audio().codec()).isEqualTo("aac");
            assertThat((long) got.video().frames()).as("frames recorded of %d sent", encoder.framesSent())
                    .isBetween(encoder.framesSent() - GOP_FRAMES, encoder.framesSent());
        }
    }

    private static void assertArrivedWhole(Path recording, MediaInfo source) {
        MediaInfo got = Ffprobe.probe(recording);
        String what = recording.toString();
        log.info("{}: {} s, {} video frames (source {}), {} audio packets (source {})", recording.getFileName(),
                got.durationSeconds(), got.hasVideo() ? got.video().frames() : 0, source.video().frames(),
                got.hasAudio() ? got.audio().packets() : 0, source.audio().packets());
        assertThat(got.video()).as(what + " video").isNotNull();
        assertThat(got.audio()).as(what + " audio").isNotNull();
        assertThat(got.video().codec()).as(what).isEqualTo("h264");
        assertThat(got.video().width()).as(what).isEqualTo(640);
        assertThat(got.video().height()).as(what).isEqualTo(360);
        assertThat(got.audio().codec()).as(what).isEqualTo("aac");
        assertThat(got.audio().sampleRate()).as(what).isEqualTo(48000);
        assertThat(got.durationSeconds()).as(what + " duration").isCloseTo(PUBLISHED.toMillis() / 1000.0,
                Offset.offset(0.5));
        assertThat(got.video().frames()).as(what + " frames (source has %d)", source.video().frames())
                .isBetween(source.video().frames() - GOP_FRAMES, source.video().frames());
        assertThat(Ffprobe.decodeErrors(recording)).as(what + " decode errors").isEmpty();
    }

    static String ingestUrl(Relay relay, String key) {
        return "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/" + PassthroughConfig.APP + "/" + key;
    }
}
