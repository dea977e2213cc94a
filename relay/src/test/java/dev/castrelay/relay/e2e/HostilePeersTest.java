package dev.castrelay.relay.e2e;

import dev.castrelay.relay.control.RelayService;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.targets.PusherSettings;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.LogCapture;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile peers cost the relay nothing: while a real stream flows to an nginx-rtmp platform, a barrage on the
 * ingest port (messages announced large and never sent on every chunk stream, a thousand idle connections, media
 * before publish, garbage) and on the control port (slow headers, a huge body without a token, too many event
 * streams). The platform records every frame, memory stays near its level before the barrage, the real encoder
 * can publish again during it, and the log stays short.
 */
class HostilePeersTest {

    private static final Logger log = LoggerFactory.getLogger(HostilePeersTest.class);

    private static final String INGEST_KEY = "e2e-hostile-real-key";
    private static final Duration STREAM = Duration.ofSeconds(20);
    private static final int FPS = 30;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** PRODUCT.md's promise, for the whole test JVM (which holds the relay): the barrage's cost stays under this. */
    private static final long RSS_BUDGET_BYTES = 150L << 20;

    @TempDir
    Path dir;

    @Test
    void aBarrageOnBothPortsCostsTheBroadcastNothing() throws Exception {
        FfmpegPublisher.Builder content = FfmpegPublisher.builder().size(640, 360).fps(FPS).duration(STREAM)
                .gopSeconds(2).videoBitrateKbps(2500);
        MediaInfo source = Ffprobe.probe(content.writeFlv(dir.resolve("source.flv")));
        try (LogCapture logs = LogCapture.attach();
             NginxRtmpSink sink = NginxRtmpSink.start();
             RelayService service = RelayService.start(PassthroughConfig.ingestKey(INGEST_KEY)
                     .target(sink.url(), "platform").stateFile(dir.resolve("state.json")).load(), PusherSettings.DEFAULT)) {
            InetSocketAddress ingest = service.relay().ingestAddress();
            InetSocketAddress control = service.control().localAddress();
            try (FfmpegPublisher encoder = FfmpegPublisher.publishFile(dir.resolve("source.flv"), url(ingest))) {
                await().atMost(TIMEOUT).until(() -> service.relay().health().ingest().state() == IngestState.LIVE);
                long rssBefore = rss();
                List<AutoCloseable> held = new ArrayList<>();
                try {
                    announcedButUnsentMessages(ingest, held);
                    idleConnections(ingest, held);
                    mediaBeforePublish(ingest);
                    garbage(ingest);
                    slowHeaders(control, held);
                    hugeBodyWithoutToken(control);
                    tooManyEventStreams(control, held);
                    long rssDuring = rss();
                    log.info("RSS before the barrage {} MB, during {} MB", rssBefore >> 20, rssDuring >> 20);
                    assertThat(rssDuring - rssBefore).as("RSS growth during the barrage").isLessThan(RSS_BUDGET_BYTES);
                    assertThat(encoder.awaitExit(TIMEOUT)).as("real encoder's exit; %s", encoder.stderrTail())
                            .isZero();

                    // The encoder comes back (a restart) while the strangers still hold their connections.
                    try (FfmpegPublisher again = content.duration(Duration.ofSeconds(3)).publish(url(ingest))) {
                        assertThat(again.awaitStreaming(TIMEOUT)).as("publish during the barrage: %s",
                                again.stderrTail()).isTrue();
                        assertThat(again.awaitExit(TIMEOUT)).isZero();
                    }
                } finally {
                    for (AutoCloseable c : held) {
                        c.close();
                    }
                }
            }
            MediaInfo got = Ffprobe.probe(sink.recordings().get(0));
            assertThat(got.video().frames()).as("frames the platform recorded of the first publish")
                    .isEqualTo(source.video().frames());
            assertThat(service.relay().health().targets().get(0).reconnects()).as("target reconnects").isZero();
            assertThat(logs.lines().stream().filter(l -> l.contains("connection from")).count())
                    .as("log lines about hostile connections").isLessThan(120);
        }
    }

    /** The attack that once pinned gigabytes: on 63 chunk streams, a 10 MiB message announced and 128 bytes sent. */
    private static void announcedButUnsentMessages(InetSocketAddress ingest, List<AutoCloseable> held) {
        for (int c = 0; c < 12; c++) {
            RawRtmpClient client = RawRtmpClient.connectFrom("127.0.0.2", ingest).handshake();
            held.add(client);
            for (int csid = 3; csid < 66; csid++) {
                client.messageHeader(csid, 9, 1, 10 * 1024 * 1024 - 1, 128);
            }
        }
    }

    private static void idleConnections(InetSocketAddress ingest, List<AutoCloseable> held) throws IOException {
        for (int i = 0; i < 1_000; i++) { // a thousand strangers that connect and say nothing
            Socket s = new Socket();
            s.bind(new InetSocketAddress("127.0.0." + (3 + i % 4), 0));
            s.connect(ingest, 5_000);
            held.add(s);
        }
    }

    private static void mediaBeforePublish(InetSocketAddress ingest) {
        try (RawRtmpClient client = RawRtmpClient.connectFrom("127.0.0.7", ingest).handshake()) {
            client.message(6, 9, 1, new byte[5_000]);
            assertThat(client.awaitClosed(Duration.ofSeconds(10))).as("closed after media before publish").isTrue();
        }
    }

    private static void garbage(InetSocketAddress ingest) {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            try (RawRtmpClient client = RawRtmpClient.connectFrom("127.0.0.8", ingest)) {
                client.send(junk);
            } catch (RuntimeException e) {
                // the relay may already have closed it
            }
        }
    }

    /** Headers a byte at a time: each connection must be closed by the request deadline, not held. */
    private static void slowHeaders(InetSocketAddress control, List<AutoCloseable> held) throws IOException {
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket(control.getAddress(), control.getPort());
            s.getOutputStream().write("GET /api/v1/health HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            held.add(s);
        }
    }

    /** A 50 MB body without a token is answered 401 at its headers, before a byte of the body is kept. */
    private static void hugeBodyWithoutToken(InetSocketAddress control) throws IOException {
        try (Socket s = new Socket(control.getAddress(), control.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/targets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 50000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]);
            out.flush();
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 401");
        }
    }

    private static void tooManyEventStreams(InetSocketAddress control, List<AutoCloseable> held) throws IOException {
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            Socket s = new Socket(control.getAddress(), control.getPort());
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + PassthroughConfig.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            if (!status.equals("HTTP/1.1 200")) {
                refused++;
            }
            held.add(s);
        }
        assertThat(refused).as("event streams refused past the cap").isPositive();
    }

    private static String url(InetSocketAddress ingest) {
        return "rtmp://127.0.0.1:" + ingest.getPort() + "/" + PassthroughConfig.APP + "/" + INGEST_KEY;
    }

    /** This JVM's resident set, from /proc. */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
