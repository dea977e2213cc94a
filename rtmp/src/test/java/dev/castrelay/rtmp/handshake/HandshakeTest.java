package dev.castrelay.rtmp.handshake;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.session.ConnectionGuard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.castrelay.rtmp.handshake.HandshakeDigest.DIGEST_SIZE;
import static dev.castrelay.rtmp.handshake.HandshakeDigest.PACKET_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandshakeTest {

    private static final long TIMEOUT = 10_000;

    /** Stands in for the rest of the pipeline: records what the handshake passes on. */
    static final class Downstream extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytes.writeBytes(Bytes.drain((ByteBuf) msg));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    @Test
    void clientAndServerCompleteTheHandshakeWithEachOther() {
        Downstream atServer = new Downstream();
        Downstream atClient = new Downstream();
        EmbeddedChannel server = new EmbeddedChannel(new ServerHandshakeHandler(TIMEOUT), atServer);
        EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT), atClient);

        shuttle(client, server);

        assertThat(atServer.events).containsExactly(HandshakeCompleted.INSTANCE);
        assertThat(atClient.events).containsExactly(HandshakeCompleted.INSTANCE);
        assertThat(server.pipeline().get(ServerHandshakeHandler.class)).isNull();
        assertThat(client.pipeline().get(ClientHandshakeHandler.class)).isNull();
        assertThat(server.finish()).isFalse();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void clientC1CarriesAFlashPlayerVersionAndDigest() {
        EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT));

        byte[] c0c1 = Bytes.drain(client.readOutbound());

        assertThat(c0c1).hasSize(1 + PACKET_SIZE);
        assertThat(c0c1[0]).isEqualTo((byte) 3);
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, c0c1.length);
        assertThat(Arrays.copyOfRange(c1, 4, 8)).containsExactly(9, 0, 124, 2);
        assertThat(HandshakeDigest.findDigest(c1, HandshakeDigest.PLAYER_KEY)).isPositive();
        client.finishAndReleaseAll();
    }

    @Test
    void serverAnswersAPlainC1WithAnEchoInS2() {
        EmbeddedChannel server = new EmbeddedChannel(new ServerHandshakeHandler(TIMEOUT));
        byte[] c1 = random();
        Arrays.fill(c1, 0, 8, (byte) 0); // time and zero: no digest to look for

        server.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {3}, c1)));

        byte[] reply = Bytes.drain(server.readOutbound());
        assertThat(reply).hasSize(1 + 2 * PACKET_SIZE);
        assertThat(reply[0]).isEqualTo((byte) 3);
        assertThat(Arrays.copyOfRange(reply, 5, 9)).as("S1 zero field").containsOnly(0);
        assertThat(Arrays.copyOfRange(reply, 1 + PACKET_SIZE, reply.length)).as("S2").isEqualTo(c1);
        server.finishAndReleaseAll();
    }

    @Test
    void serverAnswersADigestC1WithASignedS1AndS2() {
        EmbeddedChannel server = new EmbeddedChannel(new ServerHandshakeHandler(TIMEOUT));
        byte[] c1 = random();
        c1[4] = 9;
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        byte[] clientDigest = HandshakeDigest.imprint(c1, HandshakeDigest.PLAYER_KEY);

        server.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {3}, c1)));

        byte[] reply = Bytes.drain(server.readOutbound());
        byte[] s1 = Arrays.copyOfRange(reply, 1, 1 + PACKET_SIZE);
        byte[] s2 = Arrays.copyOfRange(reply, 1 + PACKET_SIZE, reply.length);
        assertThat(HandshakeDigest.findDigest(s1, HandshakeDigest.SERVER_KEY)).as("S1 digest").isPositive();
        byte[] key = HandshakeDigest.hmac(HandshakeDigest.SERVER_FULL_KEY, clientDigest, 0, DIGEST_SIZE);
        assertThat(Arrays.copyOfRange(s2, PACKET_SIZE - DIGEST_SIZE, PACKET_SIZE)).as("S2 signature")
                .isEqualTo(HandshakeDigest.hmac(key, s2, 0, PACKET_SIZE - DIGEST_SIZE));
        server.finishAndReleaseAll();
    }

    @Test
    void digestOffsetFollowsTheFourOffsetBytes() {
        byte[] packet = new byte[PACKET_SIZE];
        packet[8] = (byte) 200;
        packet[9] = (byte) 200;
        packet[10] = (byte) 200;
        packet[11] = (byte) 200;
        packet[772] = 1;

        assertThat(HandshakeDigest.offset(packet, 0)).isEqualTo(800 % 728 + 12);
        assertThat(HandshakeDigest.offset(packet, 1)).isEqualTo(1 + 776);
    }

    @Test
    void clientSignsC2WhenS1CarriesAServerDigest() {
        EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT), new Downstream());
        Bytes.drain(client.readOutbound()); // C0C1
        byte[] s1 = random();
        s1[4] = 4;
        byte[] serverDigest = HandshakeDigest.imprint(s1, HandshakeDigest.SERVER_KEY);

        client.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {3}, s1, random())));

        byte[] c2 = Bytes.drain(client.readOutbound());
        byte[] key = HandshakeDigest.hmac(HandshakeDigest.PLAYER_FULL_KEY, serverDigest, 0, DIGEST_SIZE);
        assertThat(Arrays.copyOfRange(c2, PACKET_SIZE - DIGEST_SIZE, PACKET_SIZE))
                .isEqualTo(HandshakeDigest.hmac(key, c2, 0, PACKET_SIZE - DIGEST_SIZE));
        client.finishAndReleaseAll();
    }

    @Test
    void clientEchoesAPlainS1AsC2() {
        EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT), new Downstream());
        Bytes.drain(client.readOutbound());
        byte[] s1 = random();
        Arrays.fill(s1, 0, 8, (byte) 0);

        client.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {3}, s1, random())));

        assertThat(Bytes.drain(client.readOutbound())).isEqualTo(s1);
        client.finishAndReleaseAll();
    }

    @Test
    void serverPassesOnTheBytesThatCameWithC2() {
        Downstream downstream = new Downstream();
        EmbeddedChannel server = new EmbeddedChannel(new ServerHandshakeHandler(TIMEOUT), downstream);
        server.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {3}, new byte[PACKET_SIZE])));
        Bytes.drain(server.readOutbound());

        server.writeInbound(Bytes.pooled(Bytes.concat(random(), Bytes.of("03 000000 0000"))));

        assertThat(downstream.bytes.toByteArray()).isEqualTo(Bytes.of("03 000000 0000"));
        assertThat(downstream.events).containsExactly(HandshakeCompleted.INSTANCE);
        server.finishAndReleaseAll();
    }

    @Test
    void clientPassesOnTheBytesThatCameWithS2() {
        Downstream downstream = new Downstream();
        EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT), downstream);
        Bytes.drain(client.readOutbound());

        client.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {3}, new byte[2 * PACKET_SIZE], Bytes.of("02 00"))));

        assertThat(downstream.bytes.toByteArray()).isEqualTo(Bytes.of("02 00"));
        client.finishAndReleaseAll();
    }

    @Test
    void serverRefusesAnotherRtmpVersion() {
        EmbeddedChannel server = new EmbeddedChannel(new ServerHandshakeHandler(TIMEOUT));

        assertThatThrownBy(() -> server.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {6}, random()))))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(HandshakeException.class)
                .hasMessageContaining("version 6").hasMessageContaining("expected 3");
        assertThat((Object) server.readOutbound()).as("no S0S1S2 for a stranger").isNull();
        server.finishAndReleaseAll();
    }

    @Test
    void wrongVersionClosesTheConnectionThroughTheGuard() {
        List<String> problems = new ArrayList<>();
        EmbeddedChannel server = new EmbeddedChannel(new ServerHandshakeHandler(TIMEOUT),
                new ConnectionGuard(TIMEOUT, problems::add));

        server.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {6}, random())));

        assertThat(server.isOpen()).isFalse();
        assertThat(problems).singleElement().asString().contains("unsupported RTMP version 6");
        server.finishAndReleaseAll();
    }

    @Test
    void clientRefusesAServerOfAnotherVersion() {
        EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT));
        Bytes.drain(client.readOutbound());

        assertThatThrownBy(() -> client.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {0x48},
                new byte[2 * PACKET_SIZE]))))
                .cause().isInstanceOf(HandshakeException.class)
                .hasMessageContaining("version 72").hasMessageContaining("expected 3");
        client.finishAndReleaseAll();
    }

    @Test
    void serverClosesAPeerThatDoesNotFinishInTime() {
        List<String> problems = new ArrayList<>();
        EmbeddedChannel server = new EmbeddedChannel();
        server.freezeTime();
        server.pipeline().addLast(new ServerHandshakeHandler(TIMEOUT), new ConnectionGuard(TIMEOUT, problems::add));
        server.writeInbound(Bytes.pooled(new byte[] {3, 0, 0}));

        server.advanceTimeBy(TIMEOUT, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();

        assertThat(server.isOpen()).isFalse();
        assertThat(problems).singleElement().asString().contains("not completed within 10000 ms");
        server.finishAndReleaseAll();
    }

    @Test
    void completedHandshakeCancelsItsTimeout() {
        List<String> problems = new ArrayList<>();
        EmbeddedChannel server = new EmbeddedChannel();
        server.freezeTime();
        server.pipeline().addLast(new ServerHandshakeHandler(TIMEOUT), new ConnectionGuard(TIMEOUT, problems::add));
        server.writeInbound(Bytes.pooled(Bytes.concat(new byte[] {3}, new byte[2 * PACKET_SIZE])));
        Bytes.drain(server.readOutbound());

        server.advanceTimeBy(2 * TIMEOUT, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();

        assertThat(server.isOpen()).isTrue();
        assertThat(problems).isEmpty();
        server.finishAndReleaseAll();
    }

    /** Moves bytes between the two channels until neither has anything left to say. */
    static void shuttle(EmbeddedChannel client, EmbeddedChannel server) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (ByteBuf b; (b = client.readOutbound()) != null; moved = true) {
                server.writeInbound(b);
            }
            for (ByteBuf b; (b = server.readOutbound()) != null; moved = true) {
                client.writeInbound(b);
            }
        }
    }

    private static byte[] random() {
        byte[] b = new byte[PACKET_SIZE];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
