package dev.castrelay.relay.e2e;

import dev.castrelay.relay.Relay;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.LogCapture;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input on the ingest port gets that one connection closed, with a log line, and disturbs nothing else. One
 * relay, two nginx-rtmp sinks and one real ffmpeg stream are shared by every case (starting them per case would
 * cost 20 s each): the cases run one after another while the stream flows, each checking that its connection was
 * closed and that every target is still live, sending, and has never reconnected; the last test then checks what
 * the sinks recorded of the whole stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {

    private static final Logger log = LoggerFactory.getLogger(BadInputTest.class);

    private static final String INGEST_KEY = "e2e-real-key-5f3a9c";
    private static final Duration STREAM = Duration.ofSeconds(40);
    private static final int FPS = 30;
    private static final int GOP_FRAMES = 2 * FPS;
    private static final long HANDSHAKE_TIMEOUT_MS = 1_500;
    /** Bounds how long a connection that stopped mid-message can hold on; longer than the handshake timeout. */
    private static final long IDLE_TIMEOUT_MS = 5_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** About 0.4 s of the 1000 kbit/s stream. */
    private static final long PROGRESS_BYTES = 50_000;

    private final FfmpegPublisher.Builder content = FfmpegPublisher.builder().size(640, 360).fps(FPS)
            .duration(STREAM).gopSeconds(2);
    private LogCapture logs;
    private List<NginxRtmpSink> sinks;
    private Relay relay;
    private FfmpegPublisher encoder;

    @BeforeAll
    void startRelayWithARealStreamFlowingToTwoSinks() {
        logs = LogCapture.attach();
        sinks = List.of(NginxRtmpSink.start(), NginxRtmpSink.start());
        PassthroughConfig config = PassthroughConfig.ingestKey(INGEST_KEY)
                .limit("handshakeTimeoutMs", Long.toString(HANDSHAKE_TIMEOUT_MS))
                .limit("idleTimeoutMs", Long.toString(IDLE_TIMEOUT_MS));
        sinks.forEach(sink -> config.target(sink.url(), "relayed"));
        try {
            relay = Relay.start(config.load());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        encoder = content.publish(PassthroughEndToEndTest.ingestUrl(relay, INGEST_KEY));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(relay.health().targets())
                .extracting(TargetHealth::state).containsOnly(TargetState.LIVE));
    }

    @AfterAll
    void stopEverything() {
        if (encoder != null) {
            encoder.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (sinks != null) {
            sinks.forEach(NginxRtmpSink::close);
        }
        if (logs != null) {
            logs.close();
        }
    }

    @Test
    @Order(1)
    void randomBytesCloseThatConnectionOnly() {
        byte[] garbage = new byte[64 * 1024];
        new Random(20260420).nextBytes(garbage);
        try (RawRtmpClient client = connect()) {
            client.send(garbage);

            assertClosedWithLogLine(client, "");
        }
        assertRealStreamStillFlows();
    }

    @Test
    @Order(2)
    void handshakeWithAWrongVersionByteClosesThatConnectionOnly() {
        byte[] c0c1 = new byte[1 + RawRtmpClient.HANDSHAKE_PACKET];
        c0c1[0] = 6; // RTMPE: encrypted RTMP, which we do not speak
        try (RawRtmpClient client = connect()) {
            client.send(c0c1);

            assertClosedWithLogLine(client, "unsupported RTMP version 6");
        }
        assertRealStreamStillFlows();
    }

    @Test
    @Order(3)
    void oversizedSetChunkSizeClosesThatConnectionOnly() {
        try (RawRtmpClient client = connect().handshake()) {
            client.message(2, 1, 0, ByteBuffer.allocate(4).putInt(16 << 20).array());

            assertClosedWithLogLine(client, "peer chunk size 16777216 exceeds maximum 65536");
        }
        assertRealStreamStillFlows();
    }

    @Test
    @Order(4)
    void oversizedMessageLengthClosesThatConnectionOnly() {
        try (RawRtmpClient client = connect().handshake()) {
            client.messageHeader(4, 9, 1, 0xFF_FFFF, 100);

            assertClosedWithLogLine(client, "message length 16777215 exceeds maximum 10485760");
        }
        assertRealStreamStillFlows();
    }

    @Test
    @Order(5)
    void tooManyChunkStreamsCloseThatConnectionOnly() {
        try (RawRtmpClient client = connect().handshake()) {
            // 65 chunk streams (3..67), each carrying a harmless Acknowledgement: one more than the default 64.
            for (int csid = 3; csid < 3 + 65; csid++) {
                client.message(csid, 3, 0, new byte[4]);
            }

            assertClosedWithLogLine(client, "chunk stream count 65 exceeds maximum 64");
        }
        assertRealStreamStillFlows();
    }

    @Test
    @Order(6)
    void wrongStreamKeyIsRefusedAndNeitherKeyIsLogged() {
        String wrongKey = "e2e-wrong-key-77b1d2";
        try (RawRtmpClient client = connect().handshake()) {
            client.publish(PassthroughConfig.APP, wrongKey);

            assertThat(client.awaitClosed(CLOSE_TIMEOUT)).as("connection closed").isTrue();
            assertThat(client.received()).contains("NetStream.Publish.BadName");
            assertThat(logs.linesContaining("refused publisher from /127.0.0.1:" + client.localPort()))
                    .singleElement().asString().contains("wrong stream key");
        }
        assertThat(logs.lines()).noneMatch(line -> line.contains(wrongKey) || line.contains(INGEST_KEY));
        assertRealStreamStillFlows();
    }

    @Test
    @Order(7)
    void secondPublisherWithAnotherKeyIsRefusedWhileTheFirstGoesOn() {
        try (FfmpegPublisher intruder = FfmpegPublisher.builder().duration(Duration.ofSeconds(5))
                .publish(PassthroughEndToEndTest.ingestUrl(relay, "e2e-another-key"))) {
            assertThat(intruder.awaitExit(TIMEOUT)).as(intruder.stderrTail()).isNotZero();
        }
        assertThat(encoder.isAlive()).as("the first publisher still streaming").isTrue();
        assertRealStreamStillFlows();
    }

    @Test
    @Order(8)
    void idleConnectionIsClosedAfterTheHandshakeTimeout() {
        long start = System.nanoTime();
        try (RawRtmpClient client = connect()) {
            assertClosedWithLogLine(client, "handshake not completed within " + HANDSHAKE_TIMEOUT_MS + " ms");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS - 100), Duration.ofMillis(HANDSHAKE_TIMEOUT_MS + 3_000));
        assertRealStreamStillFlows();
    }

    @Test
    @Order(9)
    void handshakeDribbledAByteAtATimeIsClosedAfterTheHandshakeTimeout() {
        ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        try (RawRtmpClient client = connect()) {
            client.send(new byte[] {3});
            // One byte of C1 every 100 ms: never idle, never done (C1 would take 150 s).
            dribbler.scheduleAtFixedRate(() -> client.send(new byte[1]), 100, 100, TimeUnit.MILLISECONDS);

            assertClosedWithLogLine(client, "handshake not completed within " + HANDSHAKE_TIMEOUT_MS + " ms");
        } finally {
            dribbler.shutdownNow();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS - 100), Duration.ofMillis(HANDSHAKE_TIMEOUT_MS + 3_000));
        assertRealStreamStillFlows();
    }

    @Test
    @Order(100)
    void sinksRecordedTheWholeRealStreamInOneSessionThatDecodesCleanly(@TempDir Path dir) {
        assertThat(encoder.awaitExit(STREAM.plus(TIMEOUT))).as(encoder.stderrTail()).isZero();
        MediaInfo source = Ffprobe.probe(content.writeFlv(dir.resolve("source.flv")));

        for (NginxRtmpSink sink : sinks) {
            Path recording = sink.awaitRecording(TIMEOUT);
            MediaInfo got = Ffprobe.probe(recording);
            log.info("{}: {} s, {} video frames (source {})", recording.getFileName(), got.durationSeconds(),
                    got.video().frames(), source.video().frames());

            assertThat(sink.publishSessions()).as("publish sessions at " + sink.url()).isEqualTo(1);
            assertThat(got.video().frames()).as("frames at " + sink.url())
                    .isBetween(source.video().frames() - GOP_FRAMES, source.video().frames());
            assertThat(got.audio().codec()).isEqualTo("aac");
            assertThat(Ffprobe.decodeErrors(recording)).as("decode errors at " + sink.url()).isEmpty();
        }
    }

    private RawRtmpClient connect() {
        return RawRtmpClient.connect(relay.ingestAddress());
    }

    /** The relay closed the client's connection and logged why, naming the connection; {@code reason} in it. */
    private void assertClosedWithLogLine(RawRtmpClient client, String reason) {
        assertThat(client.awaitClosed(CLOSE_TIMEOUT)).as("connection closed by the relay").isTrue();
        String connection = "ingest connection from /127.0.0.1:" + client.localPort() + " closed: ";
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(logs.linesContaining(connection)).singleElement().asString().contains(reason));
    }

    /**
     * The real stream goes on: the ingest is live, every target is live, has never reconnected nor dropped a frame,
     * and keeps sending.
     */
    private void assertRealStreamStillFlows() {
        assertThat(relay.health().ingest().state()).isEqualTo(IngestState.LIVE);
        Map<String, Long> sent = relay.health().targets().stream()
                .collect(Collectors.toMap(TargetHealth::id, TargetHealth::bytesSent));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(relay.health().targets())
                .allSatisfy(t -> assertThat(t.bytesSent()).as(t.id() + " bytes sent")
                        .isGreaterThan(sent.get(t.id()) + PROGRESS_BYTES)));
        assertThat(relay.health().targets()).allSatisfy(t -> {
            assertThat(t.state()).as(t.id() + " state").isEqualTo(TargetState.LIVE);
            assertThat(t.reconnects()).as(t.id() + " reconnects").isZero();
            assertThat(t.droppedFrames()).as(t.id() + " dropped frames").isZero();
        });
    }
}
