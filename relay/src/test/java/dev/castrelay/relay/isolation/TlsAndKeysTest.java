package dev.castrelay.relay.isolation;

import static dev.castrelay.relay.isolation.Platforms.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.castrelay.relay.Relay;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.PublishDecision;
import dev.castrelay.rtmp.session.PublishRequest;
import dev.castrelay.rtmp.session.RtmpServerInitializer;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.TlsFront;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One relay, one 8 s stream, four platforms: RTMPS behind a TLS front with our test CA, the same with a
 * certificate nobody issued, nginx-rtmp with a key that holds a query string, and an in-process RTMP server that
 * shows exactly which stream name the pusher published.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsAndKeysTest {

    private static final Duration STREAM = Duration.ofSeconds(8);
    private static final String QUERY_KEY = "live_x9Qk?bandwidthtest=true&token=a%2Fb";

    @TempDir
    static Path dir;

    private NginxRtmpSink trustedSink;
    private NginxRtmpSink untrustedSink;
    private NginxRtmpSink querySink;
    private TlsFront trustedFront;
    private TlsFront untrustedFront;
    private final EventLoopGroup serverLoop = new NioEventLoopGroup(1);
    private final List<PublishRequest> publishes = new CopyOnWriteArrayList<>();
    private final Map<String, TargetHealth> health = new LinkedHashMap<>();

    @BeforeAll
    void streamToEveryKindOfPlatform() throws Exception {
        trustedSink = NginxRtmpSink.start();
        untrustedSink = NginxRtmpSink.start();
        querySink = NginxRtmpSink.start();
        trustedFront = TlsFront.inFrontOf(trustedSink);
        untrustedFront = TlsFront.builder(untrustedSink).untrustedCertificate().start();
        Channel server = new ServerBootstrap().group(serverLoop).channel(NioServerSocketChannel.class)
                .childHandler(new RtmpServerInitializer(RtmpLimits.DEFAULT, (request, session) -> {
                    publishes.add(request);
                    return new PublishDecision.Accept(new MediaListener() {
                        @Override
                        public void onPacket(MediaPacket packet) {
                        }
                    });
                })).bind("127.0.0.1", 0).sync().channel();
        int serverPort = ((InetSocketAddress) server.localAddress()).getPort();

        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("rtmps", target(trustedFront.url(), "tls-key-1") + "\ntls: { caFile: " + trustedFront.caFile()
                + " }");
        targets.put("rtmps-untrusted", target(untrustedFront.url(), "tls-key-2") + "\ntls: { caFile: "
                + untrustedFront.caFile() + " }");
        targets.put("query-nginx", target(querySink.url(), QUERY_KEY));
        targets.put("query-server", target("rtmp://127.0.0.1:" + serverPort + "/live", QUERY_KEY));
        try (Relay relay = Relay.start(Platforms.config(dir, targets), Platforms.SETTINGS);
             FfmpegPublisher ffmpeg = FfmpegPublisher.builder().duration(STREAM).publish(Platforms.ingestUrl(relay))) {
            // While the stream runs: at its end every target goes back to waiting.
            await().atMost(STREAM).until(() -> relay.health().targets().stream().allMatch(h ->
                    h.id().equals("rtmps-untrusted") ? h.lastError() != null : h.state() == TargetState.LIVE));
            relay.health().targets().forEach(h -> health.put(h.id(), h));
            assertThat(ffmpeg.awaitExit(STREAM.plusSeconds(30))).as(ffmpeg.stderrTail()).isZero();
            trustedSink.awaitPublishSessions(1, Duration.ofSeconds(20));
            querySink.awaitPublishSessions(1, Duration.ofSeconds(20));
        }
    }

    @AfterAll
    void stopPlatforms() {
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        for (AutoCloseable c : new AutoCloseable[] {trustedFront, untrustedFront, trustedSink, untrustedSink,
                querySink}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void rtmpsWithTheConfiguredCaDeliversTheStream() {
        List<Path> recordings = trustedSink.recordings();

        assertThat(recordings).hasSize(1);
        assertThat(Ffprobe.probe(recordings.get(0)).video().frames()).isGreaterThan(200);
        assertThat(Ffprobe.decodeErrors(recordings.get(0))).isEmpty();
        assertThat(health.get("rtmps").lastError()).isNull();
    }

    @Test
    void rtmpsWithAnUntrustedCertificateSaysSoAndSendsNothing() {
        TargetHealth untrusted = health.get("rtmps-untrusted");

        assertThat(untrusted.state()).isIn(TargetState.RECONNECTING, TargetState.CONNECTING, TargetState.FAILED);
        assertThat(untrusted.lastError()).startsWith("TLS: certificate not trusted (localhost:"
                + untrustedFront.port() + ")");
        assertThat(untrustedSink.recordings()).isEmpty();
        assertThat(untrusted.bytesSent()).isZero();
    }

    @Test
    void aKeyWithAQueryStringIsPublishedExactlyAsGiven() {
        assertThat(publishes).isNotEmpty();
        assertThat(publishes).allSatisfy(p -> {
            assertThat(p.app()).isEqualTo("live");
            assertThat(p.streamName()).isEqualTo(QUERY_KEY);
        });
    }

    @Test
    void nginxRecordsAKeyWithAQueryStringUnderTheNameBeforeTheQuery() {
        // nginx-rtmp splits "name?args" itself: the query reaches it (as args), the file takes the name.
        List<Path> recordings = querySink.recordings();

        assertThat(recordings).hasSize(1);
        assertThat(recordings.get(0).getFileName().toString()).startsWith("live_x9Qk-");
        assertThat(Ffprobe.probe(recordings.get(0)).video().frames()).isGreaterThan(200);
    }
}
