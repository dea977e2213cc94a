package dev.castrelay.rtmp.interop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Keeps a copy of the first bytes a peer sends, passing everything on untouched. */
@ChannelHandler.Sharable
final class InboundRecorder extends ChannelInboundHandlerAdapter {

    /** C0 + C1 + C2. */
    private static final int HANDSHAKE = 1 + 2 * 1536;

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    InboundRecorder(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            synchronized (bytes) {
                int n = Math.min(b.readableBytes(), HANDSHAKE + limit - bytes.size());
                if (n > 0) {
                    bytes.write(io.netty.buffer.ByteBufUtil.getBytes(b, b.readerIndex(), n), 0, n);
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The chunk stream: everything after the handshake. */
    byte[] afterHandshake() {
        synchronized (bytes) {
            byte[] all = bytes.toByteArray();
            return Arrays.copyOfRange(all, Math.min(HANDSHAKE, all.length), all.length);
        }
    }
}
