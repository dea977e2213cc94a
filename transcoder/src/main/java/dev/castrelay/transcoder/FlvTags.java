package dev.castrelay.transcoder;

import dev.castrelay.config.AudioConfig;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.VideoConfig;
import dev.castrelay.rtmp.amf.Amf0Writer;
import dev.castrelay.rtmp.amf.EcmaArray;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * FLV tag bodies (FLV spec v10.1, annex E.4) the way the transcoder reads and writes them: legacy AVC video
 * ({@code 0x17}/{@code 0x27}, AVCPacketType, signed 24-bit composition time) and AAC audio ({@code 0xAF},
 * AACPacketType). Each built packet is new and owned by the caller.
 */
final class FlvTags {

    static final int AVC_KEYFRAME = 0x17;
    static final int AVC_INTERFRAME = 0x27;
    static final int AVC_SEQUENCE_HEADER = 0;
    static final int AVC_NALU = 1;
    /** AAC, and the fixed "44 kHz, 16-bit, stereo" bits the spec requires for AAC whatever the real format. */
    static final int AAC_HEADER = 0xaf;
    static final int AAC_SEQUENCE_HEADER = 0;
    static final int AAC_RAW = 1;
    /** Bytes before the NAL units of an AVC tag: frame type/codec, AVCPacketType, composition time. */
    static final int AVC_HEADER_SIZE = 5;
    /** Bytes before the AAC data of an audio tag. */
    static final int AAC_HEADER_SIZE = 2;

    private static final String ENCODER = "castrelay";

    private FlvTags() {
    }

    static MediaPacket avcSequenceHeader(long timestamp, byte[] record) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(AVC_HEADER_SIZE + record.length);
        b.writeByte(AVC_KEYFRAME).writeByte(AVC_SEQUENCE_HEADER).writeMedium(0).writeBytes(record);
        return MediaPacket.of(MediaPacket.Kind.VIDEO, timestamp, b);
    }

    static MediaPacket aacSequenceHeader(long timestamp, byte[] audioSpecificConfig) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(AAC_HEADER_SIZE + audioSpecificConfig.length);
        b.writeByte(AAC_HEADER).writeByte(AAC_SEQUENCE_HEADER).writeBytes(audioSpecificConfig);
        return MediaPacket.of(MediaPacket.Kind.AUDIO, timestamp, b);
    }

    /**
     * A coded picture from the readable bytes of {@code h264} (Annex B, converted, or AVCC), copied once into the
     * new packet; the caller keeps {@code h264}.
     */
    static MediaPacket avcFrame(long dts, int compositionTime, boolean keyframe, ByteBuf h264) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(AVC_HEADER_SIZE + h264.readableBytes() + 16);
        b.writeByte(keyframe ? AVC_KEYFRAME : AVC_INTERFRAME).writeByte(AVC_NALU).writeMedium(compositionTime);
        AvcFormat.writeAvcc(h264, b);
        return MediaPacket.of(MediaPacket.Kind.VIDEO, dts, b);
    }

    /** An AAC frame from the readable bytes of {@code raw}, copied once into the new packet. */
    static MediaPacket aacFrame(long timestamp, ByteBuf raw) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(AAC_HEADER_SIZE + raw.readableBytes());
        b.writeByte(AAC_HEADER).writeByte(AAC_RAW).writeBytes(raw, raw.readerIndex(), raw.readableBytes());
        return MediaPacket.of(MediaPacket.Kind.AUDIO, timestamp, b);
    }

    /**
     * The script-data tag announcing a rendition: the string {@code onMetaData} and an ECMA array with the
     * fields platforms read (rates in kbit/s as FFmpeg's FLV muxer writes them).
     */
    static MediaPacket onMetaData(RenditionConfig rendition) {
        VideoConfig v = rendition.video();
        AudioConfig a = rendition.audio();
        EcmaArray m = new EcmaArray();
        m.put("width", v.width());
        m.put("height", v.height());
        m.put("framerate", v.fps());
        m.put("videocodecid", MediaPacket.CODEC_AVC);
        m.put("videodatarate", v.bitrate() / 1000.0);
        m.put("audiocodecid", MediaPacket.SOUND_AAC);
        m.put("audiodatarate", a.bitrate() / 1000.0);
        m.put("audiosamplerate", a.sampleRate());
        m.put("audiosamplesize", 16);
        m.put("stereo", a.channels() == 2);
        m.put("encoder", ENCODER);
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(256);
        Amf0Writer.writeAll(b, "onMetaData", m);
        return MediaPacket.of(MediaPacket.Kind.DATA, 0, b);
    }

    /** The signed 24-bit composition time offset (ms) of an AVC tag body. */
    static int compositionTime(ByteBuf payload) {
        return payload.getMedium(payload.readerIndex() + 2);
    }
}
