package dev.castrelay.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.Arrays;
import java.util.List;

/**
 * The client side of the RTMP handshake, as FFmpeg's {@code rtmpproto.c} does it: C1 carries a Flash Player
 * digest (some platforms' ingest refuse a plain C1), C2 is signed when S1 carries a server digest and echoes S1
 * otherwise. Removes itself when done and fires {@link HandshakeCompleted}.
 */
public final class ClientHandshakeHandler extends ByteToMessageDecoder {

    private enum State { READ_S0S1S2, BAD }

    private final HandshakeDeadline deadline;
    private State state = State.READ_S0S1S2;

    public ClientHandshakeHandler(long timeoutMillis) {
        this.deadline = new HandshakeDeadline(timeoutMillis);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        byte[] c1 = ServerHandshakeHandler.random();
        Arrays.fill(c1, 0, 4, (byte) 0);
        // The Flash Player version FFmpeg announces (9.0.124.2): servers use it to pick the digest handshake.
        c1[4] = 9;
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        HandshakeDigest.imprint(c1, HandshakeDigest.PLAYER_KEY);
        ByteBuf c0c1 = Unpooled.buffer(1 + c1.length);
        c0c1.writeByte(3).writeBytes(c1);
        ctx.writeAndFlush(c0c1);
        deadline.start(ctx, "server did not complete the handshake");
        super.channelActive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        deadline.cancel();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.BAD) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 1 + 2 * HandshakeDigest.PACKET_SIZE) {
            return;
        }
        int version = in.readUnsignedByte();
        if (version != 3) {
            state = State.BAD;
            in.skipBytes(in.readableBytes());
            throw new HandshakeException("server answered RTMP version " + version + "; expected 3");
        }
        byte[] s1 = new byte[HandshakeDigest.PACKET_SIZE];
        in.readBytes(s1);
        in.skipBytes(HandshakeDigest.PACKET_SIZE); // S2: like FFmpeg, we do not insist on its signature
        byte[] c2;
        int serverDigestAt = (s1[4] | s1[5] | s1[6] | s1[7]) == 0 ? -1
                : HandshakeDigest.findDigest(s1, HandshakeDigest.SERVER_KEY);
        if (serverDigestAt < 0) {
            c2 = s1;
        } else {
            c2 = ServerHandshakeHandler.random();
            HandshakeDigest.signResponse(c2, Arrays.copyOfRange(s1, serverDigestAt,
                    serverDigestAt + HandshakeDigest.DIGEST_SIZE), HandshakeDigest.PLAYER_FULL_KEY);
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(c2));
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(HandshakeCompleted.INSTANCE);
    }
}
