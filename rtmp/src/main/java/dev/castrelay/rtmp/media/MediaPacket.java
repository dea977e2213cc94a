package dev.castrelay.rtmp.media;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One audio, video or script-data message of a stream, as an FLV tag body: the unit the hub, the transcoder and
 * the pushers exchange.
 *
 * <p>Packets are shared, not copied: a consumer that keeps one calls {@link #retain()} and later
 * {@link #release()}; a consumer that reads the payload uses {@link #payload()}'s absolute getters or a
 * {@code duplicate()}, never moving the shared reader index. The payload is released when the last holder lets go.
 */
public final class MediaPacket extends AbstractReferenceCounted {

    /** The RTMP message type each kind travels as. */
    public enum Kind {
        AUDIO(8), VIDEO(9), DATA(18);

        private final int messageType;

        Kind(int messageType) {
            this.messageType = messageType;
        }

        public int messageType() {
            return messageType;
        }

        /** The kind that travels as RTMP message type {@code type} (the same number as FLV's tag type). */
        public static Kind ofMessageType(int type) {
            for (Kind k : values()) {
                if (k.messageType == type) {
                    return k;
                }
            }
            throw new IllegalArgumentException("RTMP message type " + type + " is no audio, video or AMF0 data");
        }
    }

    /** FLV video codec id of H.264 (legacy, non-enhanced RTMP). */
    public static final int CODEC_AVC = 7;
    /** FLV sound format of AAC. */
    public static final int SOUND_AAC = 10;

    private final Kind kind;
    private final long timestamp;
    private final ByteBuf payload;
    /** The message cut into chunks for the wire, or null; owned by this packet, the payload a view into it. */
    private final ByteBuf chunks;
    /**
     * Read once from the payload's first bytes: every queue and pusher asks, for every packet, and the payload
     * may be a view spread over chunks.
     */
    private final boolean keyframe;
    private final boolean sequenceHeader;

    private MediaPacket(Kind kind, long timestamp, ByteBuf payload, ByteBuf chunks) {
        this.kind = kind;
        this.timestamp = timestamp;
        this.payload = payload;
        this.chunks = chunks;
        this.keyframe = isKeyframe(kind, payload);
        this.sequenceHeader = isSequenceHeader(kind, payload);
    }

    /** Wraps {@code payload}, taking over the caller's reference to it. */
    public static MediaPacket of(Kind kind, long timestamp, ByteBuf payload) {
        return new MediaPacket(kind, timestamp, payload, null);
    }

    /**
     * A packet stored as its chunks for the wire ({@code chunks}, built once for every connection that sends it),
     * whose {@code payload} is a view of the chunk data inside them, not a second copy. Takes over the caller's
     * references to both.
     */
    public static MediaPacket chunked(Kind kind, long timestamp, ByteBuf payload, ByteBuf chunks) {
        return new MediaPacket(kind, timestamp, payload, chunks);
    }

    public Kind kind() {
        return kind;
    }

    /** Milliseconds on the stream's own clock, unwrapped (may exceed 32 bits on long streams). */
    public long timestamp() {
        return timestamp;
    }

    /** The FLV tag body. Read with absolute getters or a duplicate; do not move its indices. */
    public ByteBuf payload() {
        return payload;
    }

    /** Bytes of the FLV tag body: what the stream carries. */
    public int size() {
        return payload.readableBytes();
    }

    /** Bytes that holding this packet keeps: its chunks when it has them (the payload is a view), else its payload. */
    public int heldBytes() {
        return chunks != null ? chunks.readableBytes() : payload.readableBytes();
    }

    /**
     * The message cut into chunks, as {@link #chunked} was given them, or null for a packet that has none. Owned by
     * the packet: write a {@code retainedDuplicate()}, never move its indices.
     */
    public ByteBuf chunks() {
        return chunks;
    }

    public boolean isVideo() {
        return kind == Kind.VIDEO;
    }

    public boolean isAudio() {
        return kind == Kind.AUDIO;
    }

    public boolean isData() {
        return kind == Kind.DATA;
    }

    /** Video frame type 1 (keyframe), legacy or enhanced RTMP header. */
    public boolean isKeyframe() {
        return keyframe;
    }

    /** A codec configuration record (AVC/HEVC decoder configuration, AAC AudioSpecificConfig). */
    public boolean isSequenceHeader() {
        return sequenceHeader;
    }

    private static boolean isKeyframe(Kind kind, ByteBuf payload) {
        if (kind != Kind.VIDEO || payload.readableBytes() < 1) {
            return false;
        }
        int b = payload.getUnsignedByte(payload.readerIndex());
        int frameType = (b & 0x80) != 0 ? (b >> 4) & 0x07 : (b >> 4) & 0x0f;
        return frameType == 1;
    }

    private static boolean isSequenceHeader(Kind kind, ByteBuf payload) {
        int ri = payload.readerIndex();
        if (kind == Kind.VIDEO && payload.readableBytes() >= 2) {
            int b = payload.getUnsignedByte(ri);
            if ((b & 0x80) != 0) {
                return (b & 0x0f) == 0; // Enhanced RTMP: PacketTypeSequenceStart
            }
            return (b & 0x0f) == CODEC_AVC && payload.getByte(ri + 1) == 0;
        }
        if (kind == Kind.AUDIO && payload.readableBytes() >= 2) {
            return (payload.getUnsignedByte(ri) >> 4) == SOUND_AAC && payload.getByte(ri + 1) == 0;
        }
        return false;
    }

    /** Video codec id (legacy) or -1 for enhanced RTMP / not video. */
    public int videoCodecId() {
        if (kind != Kind.VIDEO || payload.readableBytes() < 1) {
            return -1;
        }
        int b = payload.getUnsignedByte(payload.readerIndex());
        return (b & 0x80) != 0 ? -1 : b & 0x0f;
    }

    /** Sound format of an audio packet, or -1. */
    public int soundFormat() {
        if (kind != Kind.AUDIO || payload.readableBytes() < 1) {
            return -1;
        }
        return payload.getUnsignedByte(payload.readerIndex()) >> 4;
    }

    /** A packet sharing this payload (retained) on another clock, without chunks (they carry the timestamp). */
    public MediaPacket retainedWithTimestamp(long newTimestamp) {
        return new MediaPacket(kind, newTimestamp, payload.retainedDuplicate(), null);
    }

    @Override
    public MediaPacket retain() {
        super.retain();
        return this;
    }

    @Override
    public MediaPacket retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public MediaPacket touch(Object hint) {
        payload.touch(hint);
        if (chunks != null) {
            chunks.touch(hint);
        }
        return this;
    }

    @Override
    public ReferenceCounted touch() {
        return touch(null);
    }

    @Override
    protected void deallocate() {
        payload.release();
        if (chunks != null) {
            chunks.release();
        }
    }

    @Override
    public String toString() {
        return kind + "@" + timestamp + "[" + payload.readableBytes() + (isKeyframe() ? ",key" : "")
                + (isSequenceHeader() ? ",seqhdr" : "") + "]";
    }
}
