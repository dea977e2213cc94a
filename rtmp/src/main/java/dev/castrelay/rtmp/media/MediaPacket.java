package dev.castrelay.rtmp.media;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Function;

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

    private static final VarHandle WIRE_FORM;

    static {
        try {
            WIRE_FORM = MethodHandles.lookup().findVarHandle(MediaPacket.class, "wireForm", WireForm.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The packet as bytes for the wire, for connections that would all encode it the same way ({@code key}). */
    private record WireForm(long key, ByteBuf bytes) {
    }

    private final Kind kind;
    private final long timestamp;
    private final ByteBuf payload;
    /** Set once by whichever connection encodes the packet first; read by the others. Released with the packet. */
    @SuppressWarnings("unused") // through WIRE_FORM
    private volatile WireForm wireForm;

    private MediaPacket(Kind kind, long timestamp, ByteBuf payload) {
        this.kind = kind;
        this.timestamp = timestamp;
        this.payload = payload;
    }

    /** Wraps {@code payload}, taking over the caller's reference to it. */
    public static MediaPacket of(Kind kind, long timestamp, ByteBuf payload) {
        return new MediaPacket(kind, timestamp, payload);
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

    public int size() {
        return payload.readableBytes();
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
        if (kind != Kind.VIDEO || payload.readableBytes() < 1) {
            return false;
        }
        int b = payload.getUnsignedByte(payload.readerIndex());
        int frameType = (b & 0x80) != 0 ? (b >> 4) & 0x07 : (b >> 4) & 0x0f;
        return frameType == 1;
    }

    /** A codec configuration record (AVC/HEVC decoder configuration, AAC AudioSpecificConfig). */
    public boolean isSequenceHeader() {
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

    /**
     * The packet encoded for the wire, shared: the first caller with a given {@code key} encodes it, every later
     * caller with the same key gets the same bytes (one copy however many targets send it). Each call returns its
     * own retained duplicate, which the caller writes (and so releases). Only one key is kept; a caller with
     * another key gets a fresh encoding of its own.
     *
     * @param key    everything the encoding depends on besides the packet (e.g. message stream id, chunk size)
     * @param encode makes a new buffer holding the encoded packet
     */
    public ByteBuf wireForm(long key, Function<MediaPacket, ByteBuf> encode) {
        WireForm cached = (WireForm) WIRE_FORM.getVolatile(this);
        if (cached != null && cached.key() == key) {
            return cached.bytes().retainedDuplicate();
        }
        ByteBuf bytes = encode.apply(this);
        if (cached == null) {
            WireForm mine = new WireForm(key, bytes);
            if (WIRE_FORM.compareAndSet(this, null, mine)) {
                return bytes.retainedDuplicate();
            }
            WireForm winner = (WireForm) WIRE_FORM.getVolatile(this);
            if (winner.key() == key) {
                bytes.release(); // another thread encoded it first: share theirs
                return winner.bytes().retainedDuplicate();
            }
        }
        return bytes;
    }

    /** A packet sharing this payload (retained) on another clock. */
    public MediaPacket retainedWithTimestamp(long newTimestamp) {
        return new MediaPacket(kind, newTimestamp, payload.retainedDuplicate());
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
        return this;
    }

    @Override
    public ReferenceCounted touch() {
        return touch(null);
    }

    @Override
    protected void deallocate() {
        WireForm cached = (WireForm) WIRE_FORM.getVolatile(this);
        if (cached != null) {
            cached.bytes().release();
        }
        payload.release();
    }

    @Override
    public String toString() {
        return kind + "@" + timestamp + "[" + payload.readableBytes() + (isKeyframe() ? ",key" : "")
                + (isSequenceHeader() ? ",seqhdr" : "") + "]";
    }
}
