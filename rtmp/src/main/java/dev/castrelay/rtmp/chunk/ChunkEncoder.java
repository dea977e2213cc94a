package dev.castrelay.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits {@link RawMessage}s into chunks (RTMP spec 5.3), compressing headers against the previous message of the
 * same chunk stream. Large payloads are not copied: the output is a composite of small header buffers and slices
 * of the (shared) payload, so many targets sending the same packet cost no memcpy each.
 *
 * <p>Stateful per connection (chunk size and previous headers), so not sharable.
 */
public final class ChunkEncoder extends MessageToMessageEncoder<RawMessage> {

    /** Payloads up to this size are copied next to their header: one small buffer beats a composite. */
    private static final int COPY_THRESHOLD = 1024;

    private static final class Previous {
        long timestamp;
        long delta;
        boolean deltaValid;
        int length;
        int typeId;
        long streamId;
    }

    private final Map<Integer, Previous> previous = new HashMap<>();
    private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    /** Applies to every message written after this call; send the Set Chunk Size message first. */
    public void setChunkSize(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RawMessage msg, List<Object> out) {
        int csid = msg.chunkStreamId();
        ByteBuf payload = msg.payload();
        int length = payload.readableBytes();
        Previous prev = previous.get(csid);
        int fmt;
        long field;
        if (prev == null || prev.streamId != msg.streamId() || msg.timestamp() < prev.timestamp) {
            fmt = 0;
            field = msg.timestamp();
        } else {
            long delta = msg.timestamp() - prev.timestamp;
            field = delta;
            if (prev.typeId != msg.typeId() || prev.length != length) {
                fmt = 1;
            } else if (prev.deltaValid && prev.delta == delta) {
                fmt = 3;
            } else {
                fmt = 2;
            }
        }
        if (prev == null) {
            prev = new Previous();
            previous.put(csid, prev);
        }
        prev.deltaValid = fmt != 0;
        prev.delta = fmt == 0 ? 0 : field;
        prev.timestamp = msg.timestamp();
        prev.length = length;
        prev.typeId = msg.typeId();
        prev.streamId = msg.streamId();
        boolean extended = field >= 0xFFFFFF;

        if (length <= COPY_THRESHOLD) {
            int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
            ByteBuf buf = ctx.alloc().buffer(length + 18 + (chunks - 1) * 8);
            int offset = 0;
            for (int i = 0; i < chunks; i++) {
                writeHeader(buf, i == 0 ? fmt : 3, csid, field, length, msg, extended);
                int n = Math.min(chunkSize, length - offset);
                buf.writeBytes(payload, payload.readerIndex() + offset, n);
                offset += n;
            }
            out.add(buf);
            return;
        }
        CompositeByteBuf composite = ctx.alloc().compositeBuffer(2 * ((length + chunkSize - 1) / chunkSize));
        int offset = 0;
        boolean firstChunk = true;
        while (offset < length) {
            ByteBuf header = ctx.alloc().buffer(18);
            writeHeader(header, firstChunk ? fmt : 3, csid, field, length, msg, extended);
            int n = Math.min(chunkSize, length - offset);
            composite.addComponent(true, header);
            composite.addComponent(true, payload.retainedSlice(payload.readerIndex() + offset, n));
            offset += n;
            firstChunk = false;
        }
        out.add(composite);
    }

    /**
     * One message as chunks that stand alone: a type-0 header, then type-3 continuations. They depend on no
     * earlier message of the chunk stream, so the chunk stream must then carry nothing encoded with header
     * compression. The payload is copied once into one buffer.
     */
    public static ByteBuf standalone(ByteBufAllocator alloc, int csid, long timestamp, int typeId, long streamId,
                                     ByteBuf payload, int chunkSize) {
        int length = payload.readableBytes();
        ByteBuf buf = alloc.buffer(standaloneHeaderSize(timestamp) + continuedSize(timestamp, length, chunkSize));
        writeStandaloneHeader(buf, csid, timestamp, length, typeId, streamId);
        writeContinued(buf, csid, timestamp, payload, chunkSize);
        return buf;
    }

    /**
     * The type-0 header that starts a standalone message (see {@link #standalone}): the only part of it that
     * depends on the connection (its message stream id), so the chunks after it can be shared.
     */
    public static ByteBuf standaloneHeader(ByteBufAllocator alloc, int csid, long timestamp, int length, int typeId,
                                           long streamId) {
        ByteBuf buf = alloc.buffer(standaloneHeaderSize(timestamp));
        writeStandaloneHeader(buf, csid, timestamp, length, typeId, streamId);
        return buf;
    }

    /** Bytes between two chunks' data in a standalone message: the type-3 header and any extended timestamp. */
    public static int continuationHeaderSize(long timestamp) {
        return 1 + (isExtended(timestamp) ? 4 : 0);
    }

    private static boolean isExtended(long timestamp) {
        return (timestamp & 0xFFFFFFFFL) >= 0xFFFFFF;
    }

    /** Bytes of a {@link #standaloneHeader} for a message at {@code timestamp}. */
    public static int standaloneHeaderSize(long timestamp) {
        return 12 + (isExtended(timestamp) ? 4 : 0);
    }

    private static int continuedSize(long timestamp, int length, int chunkSize) {
        int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
        return length + (chunks - 1) * continuationHeaderSize(timestamp);
    }

    private static void writeStandaloneHeader(ByteBuf buf, int csid, long timestamp, int length, int typeId,
                                              long streamId) {
        checkOneByteCsid(csid);
        long ts = timestamp & 0xFFFFFFFFL;
        boolean extended = isExtended(ts);
        buf.writeByte(csid);
        buf.writeMedium(extended ? 0xFFFFFF : (int) ts);
        buf.writeMedium(length);
        buf.writeByte(typeId);
        buf.writeIntLE((int) streamId);
        if (extended) {
            buf.writeInt((int) ts);
        }
    }

    private static void writeContinued(ByteBuf buf, int csid, long timestamp, ByteBuf payload, int chunkSize) {
        checkOneByteCsid(csid);
        long ts = timestamp & 0xFFFFFFFFL;
        boolean extended = isExtended(ts);
        int length = payload.readableBytes();
        int offset = 0;
        do {
            if (offset > 0) {
                buf.writeByte(3 << 6 | csid);
                if (extended) {
                    buf.writeInt((int) ts);
                }
            }
            int n = Math.min(chunkSize, length - offset);
            buf.writeBytes(payload, payload.readerIndex() + offset, n);
            offset += n;
        } while (offset < length);
    }

    private static void checkOneByteCsid(int csid) {
        if (csid < 2 || csid > 63) {
            throw new IllegalArgumentException("standalone chunks use a one-byte chunk stream id, not " + csid);
        }
    }

    private static void writeHeader(ByteBuf buf, int fmt, int csid, long field, int length, RawMessage msg,
                                    boolean extended) {
        if (csid < 64) {
            buf.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            buf.writeByte(fmt << 6).writeByte(csid - 64);
        } else {
            buf.writeByte(fmt << 6 | 1).writeByte((csid - 64) & 0xFF).writeByte((csid - 64) >> 8);
        }
        if (fmt <= 2) {
            buf.writeMedium(extended ? 0xFFFFFF : (int) field);
            if (fmt <= 1) {
                buf.writeMedium(length);
                buf.writeByte(msg.typeId());
                if (fmt == 0) {
                    buf.writeIntLE((int) msg.streamId());
                }
            }
        }
        if (extended) {
            buf.writeInt((int) field);
        }
    }
}
