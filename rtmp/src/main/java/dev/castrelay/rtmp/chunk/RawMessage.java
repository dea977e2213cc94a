package dev.castrelay.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One whole RTMP message as the chunk layer sees it: header fields and the reassembled payload. The holder owns one
 * reference to the payload.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#53-chunking">RTMP spec 5.3</a>
 */
public final class RawMessage extends DefaultByteBufHolder {

    private final int chunkStreamId;
    private final long timestamp;
    private final int typeId;
    private final long streamId;

    /**
     * @param timestamp 32-bit message timestamp in ms (absolute, wrapping at 2^32)
     */
    public RawMessage(int chunkStreamId, long timestamp, int typeId, long streamId, ByteBuf payload) {
        super(payload);
        this.chunkStreamId = chunkStreamId;
        this.timestamp = timestamp & 0xFFFFFFFFL;
        this.typeId = typeId;
        this.streamId = streamId;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public long timestamp() {
        return timestamp;
    }

    public int typeId() {
        return typeId;
    }

    public long streamId() {
        return streamId;
    }

    public ByteBuf payload() {
        return content();
    }

    @Override
    public RawMessage replace(ByteBuf content) {
        return new RawMessage(chunkStreamId, timestamp, typeId, streamId, content);
    }

    @Override
    public String toString() {
        return "RawMessage[csid=" + chunkStreamId + ", type=" + typeId + ", stream=" + streamId + ", ts="
                + timestamp + ", len=" + content().readableBytes() + "]";
    }
}
