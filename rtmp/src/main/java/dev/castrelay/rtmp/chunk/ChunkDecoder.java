package dev.castrelay.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP chunks into {@link RawMessage}s (RTMP spec 5.3): all four header formats, extended timestamps
 * (also on type-3 continuations), 1-, 2- and 3-byte chunk stream ids, and the two protocol control messages that
 * change how the following bytes are framed, Set Chunk Size and Abort, which are applied here and still passed on.
 *
 * <p>A chunk is consumed only when it is complete, so the decoder is a two-state machine: {@code READ_CHUNK}, and
 * {@code BAD_MESSAGE} after a violation, which discards everything until the channel closes.
 *
 * <p>Memory follows what the peer sent, not what it announced: a message is held as the chunks that have arrived,
 * each in a buffer of its size, and made one buffer when complete; the bytes held in unfinished messages across all chunk streams stay within a budget,
 * small ({@link ChunkLimits#commandBufferedBytes()}) until the session {@link #allowMedia() allows media}.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {

    /** RTMP's initial chunk size (spec 5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int TYPE_SET_CHUNK_SIZE = 1;
    private static final int TYPE_ABORT = 2;

    private enum State { READ_CHUNK, BAD_MESSAGE }

    /** Per chunk stream id: the previous header's fields and the message being reassembled. */
    private static final class ChunkStream {
        long timestamp;
        long timestampField;
        boolean extended;
        int length;
        int typeId;
        long streamId;
        ByteBuf partial;
    }

    private final ChunkLimits limits;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private State state = State.READ_CHUNK;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private long bytesReceived;
    /** Bytes held in messages still being reassembled, all chunk streams together. */
    private long buffered;
    private int bufferBudget;

    public ChunkDecoder(ChunkLimits limits) {
        this.limits = limits;
        this.bufferBudget = limits.commandBufferedBytes();
    }

    /** The peer may now send media (its publish was accepted): unfinished messages may hold the full budget. */
    public void allowMedia() {
        bufferBudget = limits.maxBufferedBytes();
    }

    /** Bytes held in messages still being reassembled. */
    public long bufferedBytes() {
        return buffered;
    }

    /** Bytes taken off the wire so far, for Acknowledgement (spec 5.4.3); wraps like the spec's sequence number. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** The peer's current chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (state == State.READ_CHUNK && in.isReadable()) {
            int before = in.readerIndex();
            RawMessage message;
            try {
                if (!readChunk(ctx, in)) {
                    return;
                }
                message = completed;
                completed = null;
            } catch (ChunkException e) {
                state = State.BAD_MESSAGE;
                in.skipBytes(in.readableBytes());
                throw e;
            }
            bytesReceived += in.readerIndex() - before;
            if (message != null) {
                out.add(message);
            }
        }
        if (state == State.BAD_MESSAGE) {
            in.skipBytes(in.readableBytes());
        }
    }

    private RawMessage completed;

    /** Reads one whole chunk, or nothing (reader index restored) when it has not all arrived. */
    private boolean readChunk(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int first = in.readUnsignedByte();
        int fmt = first >> 6;
        int csid = first & 0x3F;
        if (csid == 0) {
            if (!in.isReadable()) {
                in.readerIndex(start);
                return false;
            }
            csid = 64 + in.readUnsignedByte();
        } else if (csid == 1) {
            if (in.readableBytes() < 2) {
                in.readerIndex(start);
                return false;
            }
            csid = 64 + in.readUnsignedByte() + in.readUnsignedByte() * 256;
        }
        int headerLength = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
        if (in.readableBytes() < headerLength) {
            in.readerIndex(start);
            return false;
        }
        ChunkStream cs = streams.get(csid);
        if (cs == null) {
            if (fmt != 0) {
                throw new ChunkException("chunk stream " + csid + " starts with a type " + fmt
                        + " header; expected type 0");
            }
            if (streams.size() >= limits.maxChunkStreams()) {
                throw new ChunkException("chunk stream count " + (streams.size() + 1) + " exceeds maximum "
                        + limits.maxChunkStreams());
            }
            cs = new ChunkStream();
        }
        long timestampField = cs.timestampField;
        int length = cs.length;
        int typeId = cs.typeId;
        long streamId = cs.streamId;
        if (fmt <= 2) {
            timestampField = in.readUnsignedMedium();
            if (fmt <= 1) {
                length = in.readUnsignedMedium();
                typeId = in.readUnsignedByte();
                if (fmt == 0) {
                    streamId = in.readUnsignedIntLE();
                }
            }
        }
        boolean extended = fmt <= 2 ? timestampField == 0xFFFFFF : cs.extended;
        if (extended) {
            // Also on type-3 chunks after an extended header (spec 5.3.1.3; FFmpeg and Flash send it).
            if (in.readableBytes() < 4) {
                in.readerIndex(start);
                return false;
            }
            long ext = in.readUnsignedInt();
            if (fmt <= 2) {
                timestampField = ext;
            }
        }
        boolean newMessage = cs.partial == null;
        if (newMessage && length > limits.maxMessageSize()) {
            throw new ChunkException("message length " + length + " exceeds maximum " + limits.maxMessageSize()
                    + " (chunk stream " + csid + ", type " + typeId + ")");
        }
        if (!newMessage && length != cs.length) {
            // A type 0/1 header may not resize the message being reassembled; FFmpeg's rtmppkt.c refuses it too
            // ("RTMP packet size mismatch", CVE-2016-10191 where it did not).
            throw new ChunkException("message length " + length + " on chunk stream " + csid + " differs from the "
                    + cs.length + "-byte message in progress");
        }
        int received = newMessage ? 0 : cs.partial.readableBytes();
        int want = Math.min(chunkSize, length - received);
        if (in.readableBytes() < want) {
            in.readerIndex(start);
            return false;
        }
        if (buffered + want > bufferBudget) {
            throw new ChunkException("unfinished messages would hold " + (buffered + want) + " bytes, exceeds maximum "
                    + bufferBudget + (bufferBudget < limits.maxBufferedBytes() ? " before a publish is accepted" : "")
                    + " (chunk stream " + csid + ", a " + length + "-byte message of type " + typeId + ")");
        }
        // The whole chunk is here: commit the header to the chunk stream state.
        if (!streams.containsKey(csid)) {
            streams.put(csid, cs);
        }
        if (newMessage) {
            if (fmt == 0) {
                cs.timestamp = timestampField;
            } else {
                cs.timestamp = (cs.timestamp + timestampField) & 0xFFFFFFFFL;
            }
        }
        cs.timestampField = timestampField;
        cs.extended = extended;
        cs.length = length;
        cs.typeId = typeId;
        cs.streamId = streamId;
        append(ctx, cs, in, want);
        buffered += want;
        if (cs.partial.readableBytes() == length) {
            ByteBuf payload = flatten(ctx, cs.partial, length);
            cs.partial = null;
            buffered -= length;
            completed = new RawMessage(csid, cs.timestamp, typeId, streamId, payload);
            applyControl(completed);
        }
        return true;
    }

    /**
     * Adds one chunk's body to its message: each chunk in a buffer of its own size, so what a message holds is what
     * has arrived (a buffer sized from the announced length would let 100 KB of headers pin gigabytes).
     */
    private static void append(ChannelHandlerContext ctx, ChunkStream cs, ByteBuf in, int want) {
        ByteBuf chunk = ctx.alloc().buffer(want, want);
        chunk.writeBytes(in, want);
        if (cs.partial == null) {
            cs.partial = chunk;
        } else if (cs.partial instanceof CompositeByteBuf parts) {
            parts.addComponent(true, chunk);
        } else {
            CompositeByteBuf parts = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            parts.addComponent(true, cs.partial);
            parts.addComponent(true, chunk);
            cs.partial = parts;
        }
    }

    /** A whole message in one buffer: the layers above read payloads as contiguous bytes. */
    private static ByteBuf flatten(ChannelHandlerContext ctx, ByteBuf message, int length) {
        if (!(message instanceof CompositeByteBuf)) {
            return message;
        }
        ByteBuf flat = ctx.alloc().buffer(length, length);
        flat.writeBytes(message);
        message.release();
        return flat;
    }

    /** Applied whatever stream or chunk stream carried it, as FFmpeg and nginx-rtmp do (and our sessions do). */
    private void applyControl(RawMessage message) {
        ByteBuf p = message.payload();
        if (message.typeId() == TYPE_SET_CHUNK_SIZE && p.readableBytes() >= 4) {
            long size = p.getUnsignedInt(p.readerIndex()) & 0x7FFFFFFFL; // spec 5.4.1: the top bit is always 0
            if (size < 1 || size > limits.maxChunkSize()) {
                message.release();
                completed = null;
                throw new ChunkException("peer chunk size " + size + (size < 1 ? " is below minimum 1"
                        : " exceeds maximum " + limits.maxChunkSize()));
            }
            chunkSize = (int) size;
        } else if (message.typeId() == TYPE_ABORT && p.readableBytes() >= 4) {
            ChunkStream aborted = streams.get((int) p.getUnsignedInt(p.readerIndex()));
            if (aborted != null && aborted.partial != null) {
                buffered -= aborted.partial.readableBytes();
                aborted.partial.release();
                aborted.partial = null;
            }
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        for (ChunkStream cs : streams.values()) {
            if (cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
            }
        }
        streams.clear();
        buffered = 0;
    }
}
