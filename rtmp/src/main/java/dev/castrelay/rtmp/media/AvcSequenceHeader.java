package dev.castrelay.rtmp.media;

import io.netty.buffer.ByteBuf;

/**
 * Reads the picture size from an AVC sequence header (an AVCDecoderConfigurationRecord, ISO 14496-15 5.2.4.1,
 * behind the 5-byte FLV video header): the first SPS, parsed as far as the frame size (ITU-T H.264 7.3.2.1.1); and
 * likewise from HEVC's hvcC behind an Enhanced RTMP header (H.265 7.3.2.2.1). Encoders do not always send
 * {@code onMetaData} (an SRT publisher never does), and when they do it may not match the stream.
 */
public final class AvcSequenceHeader {

    /** Width and height in pixels, after the SPS's cropping. */
    public record Size(int width, int height) {
    }

    private AvcSequenceHeader() {
    }

    /**
     * The size from a video sequence-header packet (AVC's avcC, or HEVC's hvcC over Enhanced RTMP), or null when it
     * cannot be read.
     */
    public static Size size(MediaPacket packet) {
        if (!packet.isVideo() || !packet.isSequenceHeader()) {
            return null;
        }
        if (packet.videoCodecId() != MediaPacket.CODEC_AVC) {
            VideoTag tag = VideoTag.parse(packet.payload());
            return tag != null && tag.codec() == VideoCodec.HEVC && tag.type() == VideoTag.Type.SEQUENCE_START
                    ? hevcSize(packet.payload(), packet.payload().readerIndex() + tag.dataOffset()) : null;
        }
        ByteBuf p = packet.payload();
        int i = p.readerIndex() + 5; // FLV: frame type/codec, AVC packet type, composition time
        try {
            if (p.writerIndex() - i < 8 || (p.getUnsignedByte(i + 5) & 0x1F) < 1) {
                return null;
            }
            int spsLength = p.getUnsignedShort(i + 6);
            int spsStart = i + 8;
            if (spsLength < 4 || spsStart + spsLength > p.writerIndex()) {
                return null;
            }
            byte[] rbsp = unescape(p, spsStart + 1, spsLength - 1); // skip the NAL header byte
            return parse(new BitReader(rbsp, 0));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The size in an HEVCDecoderConfigurationRecord's SPS (ISO 14496-15 8.3.3.1; ITU-T H.265 7.3.2.2.1): an encoder
     * that sends no {@code onMetaData} (every SRT publisher) still shows its picture size in health.
     */
    private static Size hevcSize(ByteBuf p, int record) {
        try {
            int i = record + 22;
            int arrays = p.getUnsignedByte(i++);
            for (int a = 0; a < arrays; a++) {
                int type = p.getUnsignedByte(i) & 0x3F;
                int count = p.getUnsignedShort(i + 1);
                i += 3;
                for (int n = 0; n < count; n++) {
                    int length = p.getUnsignedShort(i);
                    if (type == 33 && length > 2) { // SPS_NUT
                        HevcSps sps = HevcSps.parse(unescape(p, i + 2, length));
                        return sps.width() > 0 && sps.height() > 0 ? new Size(sps.width(), sps.height()) : null;
                    }
                    i += 2 + length;
                }
            }
            return null;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A NAL unit's bytes from {@code p}, without emulation-prevention bytes. */
    private static byte[] unescape(ByteBuf p, int from, int length) {
        byte[] raw = new byte[length];
        p.getBytes(from, raw);
        return BitReader.unescape(raw, 0, length);
    }

    private static Size parse(BitReader r) {
        int profile = r.bits(8);
        r.bits(16); // constraint flags, level
        r.ue(); // seq_parameter_set_id
        int chromaFormat = 1;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                || profile == 134 || profile == 135) {
            chromaFormat = r.ue();
            if (chromaFormat == 3) {
                r.bits(1); // separate_colour_plane_flag
            }
            r.ue(); // bit_depth_luma_minus8
            r.ue(); // bit_depth_chroma_minus8
            r.bits(1); // qpprime_y_zero_transform_bypass_flag
            if (r.bits(1) == 1) { // seq_scaling_matrix_present_flag
                for (int k = 0; k < (chromaFormat != 3 ? 8 : 12); k++) {
                    if (r.bits(1) == 1) {
                        skipScalingList(r, k < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue();
        } else if (pocType == 1) {
            r.bits(1);
            r.se();
            r.se();
            int cycle = r.ue();
            for (int k = 0; k < cycle; k++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.bits(1); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        int frameMbsOnly = r.bits(1);
        if (frameMbsOnly == 0) {
            r.bits(1); // mb_adaptive_frame_field_flag
        }
        r.bits(1); // direct_8x8_inference_flag
        int width = widthMbs * 16;
        int height = (2 - frameMbsOnly) * heightMapUnits * 16;
        if (r.bits(1) == 1) { // frame_cropping_flag
            int left = r.ue();
            int right = r.ue();
            int top = r.ue();
            int bottom = r.ue();
            int cropX = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1;
            int cropY = (chromaFormat == 1 ? 2 : 1) * (2 - frameMbsOnly);
            width -= (left + right) * cropX;
            height -= (top + bottom) * cropY;
        }
        return width > 0 && height > 0 ? new Size(width, height) : null;
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
