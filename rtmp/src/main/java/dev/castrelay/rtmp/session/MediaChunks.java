package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.chunk.ChunkEncoder;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.message.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * Media as every publishing connection sends it: each audio and video message cut into chunks once, at the one
 * chunk size every {@link ClientSession} sends with ({@link #CHUNK_SIZE}), so a packet fanned out to many
 * platforms is chunked once, not once per platform. The chunks are the packet's storage (its payload becomes a
 * view of them), so whoever holds the packet holds, and counts, one copy of the bytes.
 *
 * <p>Only a message's first header depends on the connection, by its message stream id. The chunks are built for
 * {@link #USUAL_STREAM_ID}, which a connection with that id sends as they are; a connection with another id writes
 * its own header ({@link ChunkEncoder#standaloneHeader}) and then the rest of the shared chunks.
 *
 * <p>Media chunk streams carry only such standalone messages, so no header compression state is shared with them.
 */
public final class MediaChunks {

    /** The chunk size every publishing connection announces and sends with, whatever the server's own. */
    public static final int CHUNK_SIZE = 4096;
    /**
     * The message stream id the shared chunks are built for: what nginx-rtmp, SRS and our own ingest answer
     * createStream with. A server that answers another id costs its connections one header write per packet.
     */
    static final long USUAL_STREAM_ID = 1;

    private MediaChunks() {
    }

    /**
     * {@code packet} stored as its chunks, a new reference for the caller; metadata (rewritten per connection, see
     * {@link Metadata#toSetDataFrame}) and packets that are already chunked come back retained as they are.
     */
    public static MediaPacket chunked(MediaPacket packet, ByteBufAllocator alloc) {
        if (packet.isData() || packet.chunks() != null) {
            return packet.retain();
        }
        int csid = MessageCodec.chunkStreamOf(packet.kind());
        long timestamp = packet.timestamp();
        ByteBuf chunks = ChunkEncoder.standalone(alloc, csid, timestamp, packet.kind().messageType(),
                USUAL_STREAM_ID, packet.payload(), CHUNK_SIZE);
        ByteBuf payload = payloadIn(chunks, ChunkEncoder.standaloneHeaderSize(timestamp), packet.size(),
                ChunkEncoder.continuationHeaderSize(timestamp), alloc);
        return MediaPacket.chunked(packet.kind(), timestamp, payload, chunks);
    }

    /** The chunk data of {@code chunks} as one buffer: a slice, or a composite of one slice per chunk. */
    private static ByteBuf payloadIn(ByteBuf chunks, int header, int length, int between, ByteBufAllocator alloc) {
        int start = chunks.readerIndex() + header;
        if (length <= CHUNK_SIZE) {
            return chunks.retainedSlice(start, length);
        }
        int count = (length + CHUNK_SIZE - 1) / CHUNK_SIZE;
        // As many components as chunks: a smaller maximum would make Netty consolidate them, a copy.
        CompositeByteBuf view = alloc.compositeBuffer(count);
        int at = start;
        for (int left = length; left > 0; ) {
            int n = Math.min(CHUNK_SIZE, left);
            view.addComponent(true, chunks.retainedSlice(at, n));
            at += n + between;
            left -= n;
        }
        return view;
    }

    /**
     * Writes one audio or video packet on message stream {@code streamId}: its shared chunks, behind a header of
     * this connection's own when its stream id is not the usual one (a packet without chunks is chunked for this
     * write alone). Returns the future of the write that ends it.
     */
    static ChannelFuture write(ChannelHandlerContext ctx, MediaPacket packet, long streamId) {
        int csid = MessageCodec.chunkStreamOf(packet.kind());
        int type = packet.kind().messageType();
        ByteBuf chunks = packet.chunks();
        if (chunks == null) {
            return ctx.write(ChunkEncoder.standalone(ctx.alloc(), csid, packet.timestamp(), type, streamId,
                    packet.payload(), CHUNK_SIZE));
        }
        if (streamId == USUAL_STREAM_ID) {
            return ctx.write(chunks.retainedDuplicate());
        }
        int header = ChunkEncoder.standaloneHeaderSize(packet.timestamp());
        ctx.write(ChunkEncoder.standaloneHeader(ctx.alloc(), csid, packet.timestamp(), packet.size(), type,
                streamId));
        return ctx.write(chunks.retainedSlice(chunks.readerIndex() + header, chunks.readableBytes() - header));
    }
}
