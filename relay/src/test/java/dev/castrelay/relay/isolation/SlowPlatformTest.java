package dev.castrelay.relay.isolation;

import dev.castrelay.relay.Relay;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.ThrottlingProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A platform behind a link that carries half the stream's bitrate: its lag, measured from what it acknowledged,
 * stays within {@code queue.maxMillis} plus a GOP (whole GOPs are dropped, with what is already in flight counted
 * as lag still to come), its recording decodes cleanly, and the platform beside it records every frame.
 */
class SlowPlatformTest {

    private static final Duration STREAM = Duration.ofSeconds(30);
    private static final long MAX_MILLIS = 4_000; // Platforms.QUEUE
    private static final long GOP_MILLIS = 2_000;
    @TempDir
    Path dir;

    @Test
    void aPlatformOnAHalfRateLinkLagsNoMoreThanTheBoundAndAGop() throws Exception {
        FfmpegPublisher.Builder content = FfmpegPublisher.builder().size(640, 360).fps(30).duration(STREAM)
                .gopSeconds(2).videoBitrateKbps(2500).grain();
        Path file = content.writeFlv(dir.resolve("source.flv"));
        MediaInfo source = Ffprobe.probe(file);
        long streamBits = java.nio.file.Files.size(file) * 8 / STREAM.toSeconds();
        try (NginxRtmpSink slow = NginxRtmpSink.start();
             NginxRtmpSink healthy = NginxRtmpSink.start();
             ThrottlingProxy link = ThrottlingProxy.start(slow.port(), streamBits / 2)) {
            Map<String, String> targets = new LinkedHashMap<>();
            targets.put("slow", Platforms.target("rtmp://127.0.0.1:" + link.port() + "/live", "slow-key"));
            targets.put("healthy", Platforms.target(healthy.url(), "healthy-key"));
            long maxLag = 0;
            long drops;
            long reconnects;
            try (Relay relay = Relay.start(Platforms.config(dir, targets), Platforms.SETTINGS);
                 FfmpegPublisher encoder = FfmpegPublisher.publishFile(file, Platforms.ingestUrl(relay))) {
                while (encoder.isAlive()) {
                    maxLag = Math.max(maxLag, health(relay, "slow").queueMs());
                    Thread.sleep(100);
                }
                TargetHealth h = health(relay, "slow");
                drops = h.droppedFrames();
                reconnects = h.reconnects();
                assertThat(health(relay, "healthy").reconnects()).isZero();
            }
            System.out.printf("slow platform at %d kb/s for a %d kb/s stream: max lag %d ms, %d frames dropped, "
                    + "%d reconnects%n", streamBits / 2000, streamBits / 1000, maxLag, drops, reconnects);
            assertThat(maxLag).as("largest lag of the slow platform, ms")
                    .isLessThanOrEqualTo(MAX_MILLIS + GOP_MILLIS);
            assertThat(drops).as("frames dropped for the slow platform").isPositive();
            assertThat(reconnects).as("reconnects of the slow platform").isLessThanOrEqualTo(1);
            assertThat(Ffprobe.decodeErrors(slow.awaitRecording(Duration.ofSeconds(20)))).isEmpty();
            MediaInfo got = Ffprobe.probe(healthy.awaitRecording(Duration.ofSeconds(20)));
            assertThat(got.video().frames()).as("frames at the healthy platform").isEqualTo(source.video().frames());
        }
    }

    private static TargetHealth health(Relay relay, String id) {
        return relay.health().targets().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }
}
