package dev.castrelay.relay.e2e;

import dev.castrelay.relay.Relay;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ingest keeps up with what encoders really send: 1080p with film grain (so every bit of the bitrate is spent)
 * at the bitrates platforms ask for, published in real time. A relay that reads slower than the stream arrives
 * backs the encoder up: its publish takes longer than the media lasts (OBS shows dropped frames, then gives up).
 */
class HighBitrateIngestTest {

    private static final String INGEST_KEY = "high-bitrate-ingest-key";
    private static final Duration MEDIA = Duration.ofSeconds(10);
    private static final int FPS = 30;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} Mb/s")
    @ValueSource(ints = {6, 12, 25})
    void encoderPublishesInRealTimeAndEveryPlatformRecordsEveryFrame(int mbps) throws Exception {
        Path file = content().videoBitrateKbps(mbps * 1000).writeFlv(dir.resolve(mbps + "mbps.flv"));
        MediaInfo source = Ffprobe.probe(file);
        double sentMbps = Files.size(file) * 8 / 1e6 / MEDIA.toSeconds();
        assertThat(sentMbps).as("bitrate the file really has").isGreaterThan(mbps * 0.9);

        try (NginxRtmpSink a = NginxRtmpSink.start();
             NginxRtmpSink b = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY)
                     .target(a.url(), "platform").target(b.url(), "platform").load())) {
            FfmpegPublisher encoder = FfmpegPublisher.publishFile(file, ingestUrl(relay));
            assertThat(encoder.awaitStreaming(TIMEOUT)).as("publish accepted: %s", encoder.stderrTail()).isTrue();
            long startNanos = System.nanoTime();
            assertThat(encoder.awaitExit(TIMEOUT)).as("encoder exit code; %s", encoder.stderrTail()).isZero();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            encoder.close();

            assertThat(seconds).as("seconds the encoder needed to send %s s of %.1f Mb/s", MEDIA.toSeconds(), sentMbps)
                    .isLessThanOrEqualTo(MEDIA.toSeconds() * 1.05);
            for (NginxRtmpSink sink : List.of(a, b)) {
                MediaInfo got = Ffprobe.probe(sink.awaitRecording(TIMEOUT));
                assertThat(got.video().frames()).as("frames recorded at %s", sink.url())
                        .isEqualTo(source.video().frames());
            }
        }
    }

    @Test
    void encoderThatDiesMidStreamIsLostWithinASecond() throws Exception {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(sink.url(), "platform").load());
             FfmpegPublisher encoder = content().size(1280, 720).videoBitrateKbps(6000).untilStopped()
                     .publish(ingestUrl(relay))) {
            await().atMost(TIMEOUT).until(() -> relay.health().ingest().state() == IngestState.LIVE);
            Thread.sleep(2_000); // media flowing at full rate, batches being read

            encoder.kill();
            long killedNanos = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.health().ingest().state() == IngestState.LOST);

            assertThat((System.nanoTime() - killedNanos) / 1e9).as("seconds from the encoder's death to lost")
                    .isLessThan(1.0);
        }
    }

    private static FfmpegPublisher.Builder content() {
        return FfmpegPublisher.builder().size(1920, 1080).fps(FPS).duration(MEDIA).gopSeconds(2).grain();
    }

    private static String ingestUrl(Relay relay) {
        return "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/" + PassthroughConfig.APP + "/" + INGEST_KEY;
    }
}
