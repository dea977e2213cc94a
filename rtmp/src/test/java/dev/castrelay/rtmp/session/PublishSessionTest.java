package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.amf.Amf0Writer;
import dev.castrelay.rtmp.amf.EcmaArray;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A {@link ClientSession} publishing to a {@link ServerSession} over real loopback sockets. */
class PublishSessionTest {

    private final Loopback loopback = new Loopback();
    private final Received received = new Received();
    private final List<PublishRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicBoolean publishing = new AtomicBoolean();
    private final AtomicReference<String> rejected = new AtomicReference<>();
    private final ClientSession.Listener clientListener = new ClientSession.Listener() {
        @Override
        public void onPublishing(ClientSession session) {
            publishing.set(true);
        }

        @Override
        public void onRejected(ClientSession session, String description) {
            rejected.set(description);
        }
    };

    @BeforeEach
    void awaitShortly() {
        org.awaitility.Awaitility.setDefaultTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        loopback.close();
    }

    private ClientSession publish(String key) throws Exception {
        int port = loopback.startServer((request, session) -> {
            requests.add(request);
            return new PublishDecision.Accept(received);
        });
        ClientSession client = loopback.connect(RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/" + key),
                clientListener);
        await().untilTrue(publishing);
        return client;
    }

    @Test
    void policySeesTheAppAndTheStreamKeyExactly() throws Exception {
        publish("abc-123?token=x&y=1");

        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.app()).isEqualTo("live");
            assertThat(r.streamName()).isEqualTo("abc-123?token=x&y=1");
            assertThat(r.publishType()).isEqualTo("live");
            assertThat(r.toString()).doesNotContain("abc-123");
        });
    }

    @Test
    void publishedMediaArrivesAtTheServersListenerInOrder() throws Exception {
        ClientSession client = publish("key");

        loopback.onLoop(() -> {
            send(client, MediaPacket.Kind.VIDEO, 0, Bytes.of("17 00 000000 0164001F"));
            send(client, MediaPacket.Kind.AUDIO, 0, Bytes.of("AF 00 1210"));
            send(client, MediaPacket.Kind.VIDEO, 40, Bytes.concat(Bytes.of("17 01 000000"), Bytes.counting(10_000)));
            send(client, MediaPacket.Kind.VIDEO, 80, Bytes.of("27 01 000000 AA"));
            client.flush();
        });

        await().until(() -> received.packets.size() == 4);
        assertThat(received.packets).extracting(Received.Packet::kind).containsExactly(MediaPacket.Kind.VIDEO,
                MediaPacket.Kind.AUDIO, MediaPacket.Kind.VIDEO, MediaPacket.Kind.VIDEO);
        assertThat(received.packets).extracting(Received.Packet::timestamp).containsExactly(0L, 0L, 40L, 80L);
        assertThat(received.packets.get(0).sequenceHeader()).isTrue();
        assertThat(received.packets.get(1).sequenceHeader()).isTrue();
        assertThat(received.packets.get(2).keyframe()).isTrue();
        assertThat(received.packets.get(2).payload()).hasSize(5 + 10_000);
        assertThat(received.packets.get(3).keyframe()).isFalse();
    }

    @Test
    void packetsChunkedOnceArriveWholeWithTheConnectionsStreamId() throws Exception {
        ClientSession client = publish("key");
        byte[] keyframe = Bytes.concat(Bytes.of("17 01 000000"), Bytes.counting(10_000));

        loopback.onLoop(() -> {
            sendChunked(client, MediaPacket.Kind.VIDEO, 40, keyframe);
            sendChunked(client, MediaPacket.Kind.AUDIO, 0x100_0010L, Bytes.of("AF 01 2233")); // an extended timestamp
            sendChunked(client, MediaPacket.Kind.VIDEO, 0x100_0020L, keyframe);
            client.flush();
        });

        await().until(() -> received.packets.size() == 3);
        assertThat(received.packets.get(0).payload()).isEqualTo(keyframe);
        assertThat(received.packets.get(1).payloadHex()).isEqualTo("af012233");
        assertThat(received.packets.get(2).payload()).isEqualTo(keyframe);
        assertThat(received.packets).extracting(Received.Packet::timestamp)
                .containsExactly(40L, 0x100_0010L, 0x100_0020L);
    }

    @Test
    void metadataArrivesWithoutSetDataFrame() throws Exception {
        ClientSession client = publish("key");
        EcmaArray meta = new EcmaArray(Map.of("width", 320.0));
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer();
        Amf0Writer.writeAll(body, Metadata.ON_METADATA, meta);

        loopback.onLoop(() -> {
            MediaPacket p = MediaPacket.of(MediaPacket.Kind.DATA, 0, body);
            client.send(p);
            p.release();
            client.flush();
        });

        await().until(() -> received.packets.size() == 1);
        List<Object> values = Amf0Reader.readAll(Bytes.wrap(received.packets.get(0).payload()));
        assertThat(values).containsExactly(Metadata.ON_METADATA, meta);
    }

    @Test
    void wireTimestampsThatWrapAreUnwrappedPerTrack() throws Exception {
        ClientSession client = publish("key");

        loopback.onLoop(() -> {
            send(client, MediaPacket.Kind.VIDEO, 0xFFFFFF00L, Bytes.of("27 01"));
            send(client, MediaPacket.Kind.AUDIO, 0xFFFFFF10L, Bytes.of("AF 01"));
            send(client, MediaPacket.Kind.VIDEO, 0x1_0000_0100L, Bytes.of("27 01")); // goes on the wire as 0x100
            send(client, MediaPacket.Kind.AUDIO, 0x1_0000_0110L, Bytes.of("AF 01"));
            client.flush();
        });

        await().until(() -> received.packets.size() == 4);
        assertThat(received.packets).extracting(Received.Packet::timestamp)
                .containsExactly(0xFFFFFF00L, 0xFFFFFF10L, 0x1_0000_0100L, 0x1_0000_0110L);
    }

    @Test
    void unpublishEndsTheStreamAtTheServer() throws Exception {
        ClientSession client = publish("key");

        loopback.onLoop(client::unpublish);

        await().untilTrue(received.ended);
        await().until(() -> !client.channel().isOpen());
    }

    @Test
    void rejectedPublishReachesTheClientWithTheKeyMasked() throws Exception {
        int port = loopback.startServer((request, session) -> new PublishDecision.Reject("NetStream.Publish.BadName",
                "stream key " + request.streamName() + " is not known"));

        ClientSession client = loopback.connect(RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/s3cr3t"),
                clientListener);

        await().until(() -> rejected.get() != null);
        assertThat(rejected.get()).isEqualTo("NetStream.Publish.BadName: stream key **** is not known");
        assertThat(publishing).isFalse();
        await().until(() -> !client.channel().isOpen());
    }

    @Test
    void nothingIsSentBeforePublishStarts() throws Exception {
        int port = loopback.startServer((request, session) -> new PublishDecision.Reject("NetStream.Publish.BadName",
                "no"));
        ClientSession client = loopback.connect(RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/k"),
                clientListener);
        AtomicReference<Object> future = new AtomicReference<>("unset");

        loopback.onLoop(() -> {
            MediaPacket p = MediaPacket.of(MediaPacket.Kind.VIDEO, 0, Bytes.pooled(Bytes.of("17 01")));
            future.set(client.send(p));
            p.release();
        });

        assertThat(future.get()).isNull();
        await().until(() -> rejected.get() != null);
    }

    /** Sends a packet chunked once, as a rendition's targets get it. */
    private static void sendChunked(ClientSession client, MediaPacket.Kind kind, long timestamp, byte[] payload) {
        MediaPacket p = MediaPacket.of(kind, timestamp, Bytes.pooled(payload));
        MediaPacket chunked = MediaChunks.chunked(p, ByteBufAllocator.DEFAULT);
        p.release();
        client.send(chunked);
        chunked.release();
    }

    /** Sends a packet the test owns, as a pusher would, keeping nothing. */
    private static void send(ClientSession client, MediaPacket.Kind kind, long timestamp, byte[] payload) {
        MediaPacket p = MediaPacket.of(kind, timestamp, Bytes.pooled(payload));
        client.send(p);
        p.release();
    }
}
