package dev.castrelay.ingest.srt;

import dev.castrelay.rtmp.media.BitReader;
import dev.castrelay.rtmp.media.HevcSps;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the Annex-B access units of an MPEG-TS video stream into FLV video tag bodies, as an RTMP encoder would
 * have sent them: H.264 as legacy AVC tags (ISO 14496-15 AVCDecoderConfigurationRecord, then 4-byte length-prefixed
 * NAL units), HEVC as Enhanced RTMP {@code hvc1} tags (HEVCDecoderConfigurationRecord, likewise). The parameter sets
 * travel in-band in TS; here they become the sequence header, sent again whenever they change.
 *
 * <p>One per stream, used by its reader thread only.
 */
final class FlvVideo {

    /** The tags one access unit makes; either may be null. */
    record Tags(byte[] sequenceHeader, byte[] frame, boolean keyframe) {
    }

    private static final int AVC_KEYFRAME = 0x17;
    private static final int AVC_INTER = 0x27;
    private static final int EX_HEADER = 0x80;
    private static final int EX_SEQUENCE_START = 0;
    private static final int EX_CODED_FRAMES = 1;
    private static final byte[] HVC1 = {'h', 'v', 'c', '1'};

    private final boolean hevc;
    private List<byte[]> vps = List.of();
    private List<byte[]> sps = List.of();
    private List<byte[]> pps = List.of();
    /** The configuration record last sent; null before the first. */
    private byte[] sentConfig;

    /** @param hevc HEVC (H.265) rather than H.264 */
    FlvVideo(boolean hevc) {
        this.hevc = hevc;
    }

    /**
     * Converts one access unit.
     *
     * @param compositionTime pts minus dts, in ms
     * @throws IllegalArgumentException when its parameter sets cannot be read
     */
    Tags convert(byte[] au, int size, int compositionTime) {
        List<AnnexB.Nal> nals = AnnexB.split(au, size);
        List<byte[]> auVps = new ArrayList<>();
        List<byte[]> auSps = new ArrayList<>();
        List<byte[]> auPps = new ArrayList<>();
        boolean keyframe = false;
        boolean hasPicture = false;
        int frameBytes = 0;
        for (AnnexB.Nal nal : nals) {
            int type = type(au, nal);
            switch (kind(type)) {
                case VPS -> auVps.add(copy(au, nal));
                case SPS -> auSps.add(copy(au, nal));
                case PPS -> auPps.add(copy(au, nal));
                case DELIMITER -> { } // FLV frames carry no access unit delimiter
                case OTHER -> {
                    keyframe |= isRandomAccess(type);
                    hasPicture |= isPicture(type);
                    frameBytes += 4 + nal.length();
                }
            }
        }
        if (!auVps.isEmpty()) {
            vps = auVps;
        }
        if (!auSps.isEmpty()) {
            sps = auSps;
        }
        if (!auPps.isEmpty()) {
            pps = auPps;
        }
        byte[] sequenceHeader = null;
        if (!sps.isEmpty() && !pps.isEmpty() && (!hevc || !vps.isEmpty())) {
            byte[] config = hevc ? hevcConfig() : avcConfig();
            if (!Arrays.equals(config, sentConfig)) {
                sentConfig = config;
                sequenceHeader = hevc ? exTag(EX_SEQUENCE_START, true, 0, config, false)
                        : avcTag(true, 0, 0, config);
            }
        }
        byte[] frame = null;
        if (hasPicture) {
            // The tag header, then every NAL unit but parameter sets and delimiters, each behind its 4-byte length:
            // written once, straight from the access unit.
            int header = hevc ? 8 : 5;
            frame = new byte[header + frameBytes];
            if (hevc) {
                writeExHeader(frame, EX_CODED_FRAMES, keyframe, compositionTime, true);
            } else {
                writeAvcHeader(frame, keyframe, 1, compositionTime);
            }
            int at = header;
            for (AnnexB.Nal nal : nals) {
                if (kind(type(au, nal)) == Kind.OTHER) {
                    putInt(frame, at, nal.length());
                    System.arraycopy(au, nal.offset(), frame, at + 4, nal.length());
                    at += 4 + nal.length();
                }
            }
        }
        return new Tags(sequenceHeader, frame, keyframe);
    }

    private int type(byte[] au, AnnexB.Nal nal) {
        return hevc ? (au[nal.offset()] >> 1) & 0x3F : au[nal.offset()] & 0x1F;
    }

    private static byte[] copy(byte[] au, AnnexB.Nal nal) {
        return Arrays.copyOfRange(au, nal.offset(), nal.offset() + nal.length());
    }

    private static void putInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    /** Whether a configuration record has been seen: frames before it cannot be decoded by anyone. */
    boolean configured() {
        return sentConfig != null;
    }

    private enum Kind { VPS, SPS, PPS, DELIMITER, OTHER }

    private Kind kind(int type) {
        if (hevc) {
            return switch (type) {
                case 32 -> Kind.VPS;
                case 33 -> Kind.SPS;
                case 34 -> Kind.PPS;
                case 35 -> Kind.DELIMITER;
                default -> Kind.OTHER;
            };
        }
        return switch (type) {
            case 7 -> Kind.SPS;
            case 8 -> Kind.PPS;
            case 9 -> Kind.DELIMITER;
            default -> Kind.OTHER;
        };
    }

    /** H.264: an IDR slice. HEVC: an IRAP picture (BLA, IDR, CRA: types 16-21), where a decoder may start. */
    private boolean isRandomAccess(int type) {
        return hevc ? type >= 16 && type <= 21 : type == 5;
    }

    /** A coded slice (VCL NAL unit): H.264 types 1-5, HEVC types 0-31. */
    private boolean isPicture(int type) {
        return hevc ? type <= 31 : type >= 1 && type <= 5;
    }

    /** Legacy FLV AVC: frame type and codec 7, AVCPacketType, signed 24-bit composition time, data. */
    private static byte[] avcTag(boolean keyframe, int packetType, int compositionTime, byte[] data) {
        byte[] tag = new byte[5 + data.length];
        writeAvcHeader(tag, keyframe, packetType, compositionTime);
        System.arraycopy(data, 0, tag, 5, data.length);
        return tag;
    }

    private static void writeAvcHeader(byte[] tag, boolean keyframe, int packetType, int compositionTime) {
        tag[0] = (byte) (keyframe ? AVC_KEYFRAME : AVC_INTER);
        tag[1] = (byte) packetType;
        putMedium(tag, 2, compositionTime);
    }

    /** Enhanced RTMP: IsExHeader, frame type, packet type, FourCC, (coded frames: composition time), data. */
    private static byte[] exTag(int packetType, boolean keyframe, int compositionTime, byte[] data, boolean withCts) {
        int header = withCts ? 8 : 5;
        byte[] tag = new byte[header + data.length];
        writeExHeader(tag, packetType, keyframe, compositionTime, withCts);
        System.arraycopy(data, 0, tag, header, data.length);
        return tag;
    }

    private static void writeExHeader(byte[] tag, int packetType, boolean keyframe, int compositionTime,
                                      boolean withCts) {
        tag[0] = (byte) (EX_HEADER | ((keyframe ? 1 : 2) << 4) | packetType);
        System.arraycopy(HVC1, 0, tag, 1, 4);
        if (withCts) {
            putMedium(tag, 5, compositionTime);
        }
    }

    private static void putMedium(byte[] b, int at, int value) {
        b[at] = (byte) (value >> 16);
        b[at + 1] = (byte) (value >> 8);
        b[at + 2] = (byte) value;
    }

    /** AVCDecoderConfigurationRecord (ISO 14496-15 5.3.3.1): profile, compatibility and level from the first SPS. */
    private byte[] avcConfig() {
        byte[] first = sps.get(0);
        if (first.length < 4) {
            throw new IllegalArgumentException("H.264 SPS of " + first.length + " bytes is too short");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(first[1]);
        out.write(first[2]);
        out.write(first[3]);
        out.write(0xFF); // reserved bits, lengthSizeMinusOne = 3
        out.write(0xE0 | sps.size());
        writeSets(out, sps);
        out.write(pps.size());
        writeSets(out, pps);
        return out.toByteArray();
    }

    private static void writeSets(ByteArrayOutputStream out, List<byte[]> sets) {
        for (byte[] s : sets) {
            out.write(s.length >> 8);
            out.write(s.length);
            out.writeBytes(s);
        }
    }

    /**
     * HEVCDecoderConfigurationRecord (ISO 14496-15 8.3.3.1). The general profile, tier and level are the 12 bytes
     * after the SPS's first (ITU-T H.265 7.3.2.2.1, 7.3.3); chroma format and bit depths come from {@link HevcSps}.
     */
    private byte[] hevcConfig() {
        byte[] first = sps.get(0);
        byte[] rbsp = BitReader.unescape(first, 0, first.length);
        if (rbsp.length < 15) {
            throw new IllegalArgumentException("HEVC SPS of " + rbsp.length + " bytes is too short");
        }
        HevcSps parsed = HevcSps.parse(rbsp);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(rbsp, 3, 12); // general_profile_space .. general_level_idc
        out.write(0xF0); // reserved, min_spatial_segmentation_idc = 0
        out.write(0x00);
        out.write(0xFC); // reserved, parallelismType = 0 (unknown)
        out.write(0xFC | (parsed.chromaFormat() & 3));
        out.write(0xF8 | (parsed.bitDepthLumaMinus8() & 7));
        out.write(0xF8 | (parsed.bitDepthChromaMinus8() & 7));
        out.write(0); // avgFrameRate: unspecified
        out.write(0);
        // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3
        out.write(((parsed.maxSubLayersMinus1() + 1) << 3) | (parsed.temporalIdNesting() << 2) | 3);
        out.write(3); // numOfArrays
        writeArray(out, 32, vps);
        writeArray(out, 33, sps);
        writeArray(out, 34, pps);
        return out.toByteArray();
    }

    private static void writeArray(ByteArrayOutputStream out, int type, List<byte[]> sets) {
        out.write(0x80 | type); // array_completeness: every set of this type is here
        out.write(sets.size() >> 8);
        out.write(sets.size());
        writeSets(out, sets);
    }
}
