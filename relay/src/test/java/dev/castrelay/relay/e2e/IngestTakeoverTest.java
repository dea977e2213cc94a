package dev.castrelay.relay.e2e;

import dev.castrelay.relay.Relay;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.Processes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An encoder that restarts while its old TCP connection is still open (a frozen process, a dead NAT mapping)
 * takes over the ingest with the same key, and its stream reaches every target as a new, clean publish.
 */
class IngestTakeoverTest {

    private static final String INGEST_KEY = "e2e-takeover-key";
    private static final Duration SUCCESSOR_STREAM = Duration.ofSeconds(10);
    private static final int FPS = 30;
    private static final int GOP_FRAMES = 2 * FPS;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void newPublisherWithTheSameKeyTakesOverFromAFrozenOneAndReachesEveryTargetCleanly() throws Exception {
        try (NginxRtmpSink a = NginxRtmpSink.start();
             NginxRtmpSink b = NginxRtmpSink.start()) {
            List<NginxRtmpSink> sinks = List.of(a, b);
            PassthroughConfig config = PassthroughConfig.ingestKey(INGEST_KEY);
            sinks.forEach(sink -> config.target(sink.url(), "relayed"));
            try (Relay relay = Relay.start(config.load())) {
                String ingestUrl = PassthroughEndToEndTest.ingestUrl(relay, INGEST_KEY);
                try (FfmpegPublisher frozen = FfmpegPublisher.builder().fps(FPS).untilStopped().publish(ingestUrl)) {
                    // A couple of seconds on air first, so the sinks' sessions (named by the second) are told apart.
                    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(relay.health().targets()).allSatisfy(t -> {
                        assertThat(t.state()).isEqualTo(TargetState.LIVE);
                        assertThat(t.bytesSent()).isGreaterThan(300_000);
                    }));

                    // SIGSTOP: the connection stays open and silent, as if the encoder's machine had vanished.
                    Processes.signal(frozen.pid(), "STOP");
                    try (FfmpegPublisher successor = FfmpegPublisher.builder().fps(FPS).duration(SUCCESSOR_STREAM)
                            .publish(ingestUrl)) {
                        assertThat(successor.awaitExit(TIMEOUT)).as(successor.stderrTail()).isZero();
                    } finally {
                        Processes.signal(frozen.pid(), "CONT");
                    }
                }

                for (NginxRtmpSink sink : sinks) {
                    // The frozen publisher's session, then the successor's.
                    sink.awaitPublishSessions(2, TIMEOUT);
                    Path recording = sink.recordings().get(sink.recordings().size() - 1);
                    MediaInfo got = Ffprobe.probe(recording);

                    int published = (int) SUCCESSOR_STREAM.toSeconds() * FPS;
                    assertThat(got.video().frames()).as("frames at " + sink.url() + " of " + published)
                            .isBetween(published - GOP_FRAMES, published);
                    assertThat(got.video().firstPts()).as("first video pts at " + sink.url()).isLessThan(0.5);
                    assertThat(Ffprobe.decodeErrors(recording)).as("decode errors at " + sink.url()).isEmpty();
                }
                assertThat(relay.health().targets()).extracting(TargetHealth::reconnects).containsOnly(0L);
            }
        }
    }
}
