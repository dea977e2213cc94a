package dev.castrelay.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server side of the RTMP handshake (spec 5.2): reads C0+C1, answers S0+S1+S2, reads C2, then removes itself
 * (passing on any bytes that came after C2) and fires {@link HandshakeCompleted}. A C1 carrying the Flash digest
 * is answered with digests too, as FFmpeg and Flash-era encoders expect; any other C1 gets the spec's echo.
 */
public final class ServerHandshakeHandler extends ByteToMessageDecoder {

    private enum State { READ_C0C1, READ_C2, BAD }

    private static final int RTMP_VERSION = 3;

    private final HandshakeDeadline deadline;
    private State state = State.READ_C0C1;

    public ServerHandshakeHandler(long timeoutMillis) {
        this.deadline = new HandshakeDeadline(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline.start(ctx, "handshake not completed");
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        deadline.cancel();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_C0C1 -> {
                if (in.readableBytes() < 1 + HandshakeDigest.PACKET_SIZE) {
                    return;
                }
                int version = in.readUnsignedByte();
                if (version != RTMP_VERSION) {
                    state = State.BAD;
                    in.skipBytes(in.readableBytes());
                    throw new HandshakeException("unsupported RTMP version " + version + " in C0; expected "
                            + RTMP_VERSION + " (RTMPE and other protocols are not accepted)");
                }
                byte[] c1 = new byte[HandshakeDigest.PACKET_SIZE];
                in.readBytes(c1);
                ByteBuf reply = Unpooled.buffer(1 + 2 * HandshakeDigest.PACKET_SIZE);
                reply.writeByte(RTMP_VERSION);
                reply.writeBytes(serverPackets(c1));
                ctx.writeAndFlush(reply);
                state = State.READ_C2;
            }
            case READ_C2 -> {
                if (in.readableBytes() < HandshakeDigest.PACKET_SIZE) {
                    return;
                }
                // C2 is not checked: FFmpeg and nginx-rtmp do not either, and some encoders get it wrong.
                in.skipBytes(HandshakeDigest.PACKET_SIZE);
                ctx.pipeline().remove(this);
                ctx.fireUserEventTriggered(HandshakeCompleted.INSTANCE);
            }
            case BAD -> in.skipBytes(in.readableBytes());
        }
    }

    /** S1 followed by S2 for the given C1. */
    static byte[] serverPackets(byte[] c1) {
        byte[] s1 = random();
        byte[] s2;
        int clientDigestAt = (c1[4] | c1[5] | c1[6] | c1[7]) == 0 ? -1
                : HandshakeDigest.findDigest(c1, HandshakeDigest.PLAYER_KEY);
        if (clientDigestAt < 0) {
            // Plain handshake: S1 time + zero, S2 echoes C1.
            s1[0] = s1[1] = s1[2] = s1[3] = 0;
            s1[4] = s1[5] = s1[6] = s1[7] = 0;
            s2 = c1.clone();
        } else {
            s1[0] = s1[1] = s1[2] = s1[3] = 0;
            s1[4] = 4;
            s1[5] = 5;
            s1[6] = 0;
            s1[7] = 1; // a server version: its being non-zero tells the client to check our digest
            HandshakeDigest.imprint(s1, HandshakeDigest.SERVER_KEY);
            byte[] clientDigest = java.util.Arrays.copyOfRange(c1, clientDigestAt,
                    clientDigestAt + HandshakeDigest.DIGEST_SIZE);
            s2 = random();
            HandshakeDigest.signResponse(s2, clientDigest, HandshakeDigest.SERVER_FULL_KEY);
        }
        byte[] both = new byte[2 * HandshakeDigest.PACKET_SIZE];
        System.arraycopy(s1, 0, both, 0, s1.length);
        System.arraycopy(s2, 0, both, s1.length, s2.length);
        return both;
    }

    static byte[] random() {
        byte[] b = new byte[HandshakeDigest.PACKET_SIZE];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
