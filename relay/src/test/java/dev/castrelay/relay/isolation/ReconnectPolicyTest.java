package dev.castrelay.relay.isolation;

import dev.castrelay.config.RelayConfig;
import dev.castrelay.relay.Relay;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.rtmp.session.PublishDecision;
import dev.castrelay.rtmp.session.RtmpServerInitializer;
import dev.castrelay.targets.PusherSettings;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PRODUCT.md's reconnect policy with the production delays: a platform that comes back from an outage is live
 * again within {@code reconnect.maxSeconds} (5 s) of its return, however long it was gone; only a platform that
 * says no (an onStatus error to publish) makes a target {@code failed}, after three refusals in a row, quoting it.
 */
class ReconnectPolicyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} s outage")
    @ValueSource(ints = {20, 90})
    void platformBackFromAnOutageIsLiveWithinFiveSeconds(int outageSeconds) throws Exception {
        try (NginxRtmpSink blipping = NginxRtmpSink.start();
             NginxRtmpSink steady = NginxRtmpSink.start();
             Relay relay = Relay.start(config(Map.of("blipping", blipping.url(), "steady", steady.url())),
                     PusherSettings.DEFAULT);
             FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).untilStopped()
                     .publish(Platforms.ingestUrl(relay))) {
            await().atMost(TIMEOUT).until(() -> state(relay, "blipping") == TargetState.LIVE);
            blipping.kill(); // the platform's ingest goes away
            Thread.sleep(outageSeconds * 1000L); // the outage's own length
            blipping.restart();
            long returned = System.nanoTime();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> state(relay, "blipping") == TargetState.LIVE);
            double seconds = (System.nanoTime() - returned) / 1e9;
            System.out.printf("blipping: live %.1f s after the platform returned from a %d s outage%n", seconds,
                    outageSeconds);
            // 5 s is the longest step; a second more covers the connect, the publish and the polling.
            assertThat(seconds).as("seconds from the platform's return to live").isLessThan(6.0);
            Thread.sleep(3_000); // media after the return, for the recording checked below
            encoder.stop();
            // The killed nginx never logged its session's end: the newest recording is the one after the return.
            Path recording = blipping.awaitRecording(TIMEOUT);
            MediaInfo after = Ffprobe.probe(recording);
            assertThat(after.video().keyframeTimes().get(0)).as("the new recording starts on a keyframe")
                    .isEqualTo(after.video().firstPts());
            assertThat(Ffprobe.decodeErrors(recording)).as("the new recording decodes cleanly").isEmpty();
            TargetHealth healthy = health(relay, "steady");
            assertThat(healthy.reconnects()).as("the other platform's reconnects").isZero();
            assertThat(healthy.droppedFrames()).as("the other platform's drops").isZero();
        }
    }

    @Test
    void platformThatRefusesThePublishFailsAfterThreeRefusalsInItsOwnWords() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        EventLoopGroup loop = Transport.newGroup(1, "refusing-platform");
        Channel refusing = new ServerBootstrap().group(loop).channel(Transport.serverChannel(loop))
                .childHandler(new RtmpServerInitializer(RtmpLimits.DEFAULT, (request, session) -> {
                    refusals.incrementAndGet();
                    return new PublishDecision.Reject("NetStream.Publish.BadName", "Invalid stream key");
                }))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Relay relay = Relay.start(config(Map.of("refusing", "rtmp://127.0.0.1:"
                     + ((InetSocketAddress) refusing.localAddress()).getPort() + "/live")), PusherSettings.DEFAULT
                     .withReconnect(5_000, 1_000, 3));
             FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).untilStopped()
                     .publish(Platforms.ingestUrl(relay))) {
            await().atMost(TIMEOUT).until(() -> state(relay, "refusing") == TargetState.FAILED);

            assertThat(refusals.get()).isEqualTo(3);
            assertThat(health(relay, "refusing").lastError()).contains("NetStream.Publish.BadName")
                    .contains("Invalid stream key");
        } finally {
            refusing.close().sync();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private RelayConfig config(Map<String, String> urls) {
        Map<String, String> targets = new LinkedHashMap<>();
        urls.forEach((id, url) -> targets.put(id, Platforms.target(url, "key-" + id)));
        return Platforms.config(dir, targets);
    }

    private static TargetState state(Relay relay, String id) {
        return health(relay, id).state();
    }

    private static TargetHealth health(Relay relay, String id) {
        return relay.health().targets().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }
}
