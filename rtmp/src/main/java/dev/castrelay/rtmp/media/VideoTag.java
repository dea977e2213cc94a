package dev.castrelay.rtmp.media;

import io.netty.buffer.ByteBuf;

/**
 * The header of a video message's body, legacy FLV or Enhanced RTMP (veovera, "ExVideoTagHeader"): which codec,
 * which kind of packet, whether it is a keyframe, its composition time offset, and where the codec's own bytes
 * start. Legacy: {@code FrameType:4 CodecID:4}, then for AVC (and the unofficial HEVC id 12) an AVCPacketType and a
 * signed 24-bit composition time. Enhanced: {@code IsExHeader:1 FrameType:3 PacketType:4} and a FourCC; only
 * {@code CodedFrames} of {@code avc1}/{@code hvc1} carry a composition time.
 *
 * @param codec           the codec, or null when the tag names one we do not know
 * @param type            what the packet carries
 * @param keyframe        frame type 1
 * @param compositionTime pts minus dts in ms (0 where the format has none)
 * @param dataOffset      bytes from the payload's reader index to the codec data (configuration record or frame)
 */
public record VideoTag(VideoCodec codec, Type type, boolean keyframe, int compositionTime, int dataOffset) {

    /** What a video packet carries. */
    public enum Type { SEQUENCE_START, CODED_FRAME, SEQUENCE_END, OTHER }

    private static final int EX_HEADER = 0x80;
    private static final int PACKET_SEQUENCE_START = 0;
    private static final int PACKET_CODED_FRAMES = 1;
    private static final int PACKET_SEQUENCE_END = 2;
    private static final int PACKET_CODED_FRAMES_X = 3;

    /** The tag of {@code payload}, or null when it is too short to be one. */
    public static VideoTag parse(ByteBuf payload) {
        int ri = payload.readerIndex();
        int size = payload.readableBytes();
        if (size < 1) {
            return null;
        }
        int first = payload.getUnsignedByte(ri);
        if ((first & EX_HEADER) != 0) {
            if (size < 5) {
                return null;
            }
            boolean keyframe = ((first >> 4) & 0x07) == 1;
            int packetType = first & 0x0f;
            VideoCodec codec = VideoCodec.fromFourCc(payload.getInt(ri + 1));
            return switch (packetType) {
                case PACKET_SEQUENCE_START -> new VideoTag(codec, Type.SEQUENCE_START, keyframe, 0, 5);
                case PACKET_SEQUENCE_END -> new VideoTag(codec, Type.SEQUENCE_END, keyframe, 0, 5);
                case PACKET_CODED_FRAMES_X -> new VideoTag(codec, Type.CODED_FRAME, keyframe, 0, 5);
                case PACKET_CODED_FRAMES -> {
                    if (codec != null && codec.hasCompositionTime()) {
                        yield size < 8 ? null : new VideoTag(codec, Type.CODED_FRAME, keyframe,
                                payload.getMedium(ri + 5), 8);
                    }
                    yield new VideoTag(codec, Type.CODED_FRAME, keyframe, 0, 5);
                }
                default -> new VideoTag(codec, Type.OTHER, keyframe, 0, 5); // metadata, multitrack, ModEx
            };
        }
        boolean keyframe = (first >> 4) == 1;
        VideoCodec codec = VideoCodec.fromLegacyId(first & 0x0f);
        if (codec == null || !codec.hasCompositionTime()) {
            return new VideoTag(codec, Type.OTHER, keyframe, 0, 1);
        }
        if (size < 5) {
            return null;
        }
        Type type = switch (payload.getUnsignedByte(ri + 1)) {
            case 0 -> Type.SEQUENCE_START;
            case 1 -> Type.CODED_FRAME;
            case 2 -> Type.SEQUENCE_END;
            default -> Type.OTHER;
        };
        return new VideoTag(codec, type, keyframe, payload.getMedium(ri + 2), 5);
    }
}
