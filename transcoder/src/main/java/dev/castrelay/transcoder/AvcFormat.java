package dev.castrelay.transcoder;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 bitstream framing between the two forms in play: Annex B (start codes; what libx264 emits, extradata
 * included) and AVCC (4-byte length prefixes plus an AVCDecoderConfigurationRecord; what FLV carries, ISO/IEC
 * 14496-15 section 5.2.4.1).
 */
final class AvcFormat {

    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;

    private AvcFormat() {
    }

    /**
     * The AVCDecoderConfigurationRecord for an encoder's extradata: returned as is when it already is one, built
     * from its SPS and PPS when it is Annex B (as libx264 writes it even with a global header).
     */
    static byte[] decoderConfigurationRecord(byte[] extradata) {
        if (extradata.length > 0 && extradata[0] == 1) {
            return extradata;
        }
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] nal : splitAnnexB(extradata)) {
            int type = nal[0] & 0x1f;
            if (type == NAL_SPS) {
                sps.add(nal);
            } else if (type == NAL_PPS) {
                pps.add(nal);
            }
        }
        if (sps.isEmpty() || pps.isEmpty() || sps.get(0).length < 4) {
            throw new TranscoderException("H.264 extradata holds " + sps.size() + " SPS and " + pps.size()
                    + " PPS; expected at least one of each");
        }
        byte[] first = sps.get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(first[1]); // AVCProfileIndication
        out.write(first[2]); // profile_compatibility
        out.write(first[3]); // AVCLevelIndication
        out.write(0xff); // 6 reserved bits, lengthSizeMinusOne = 3
        out.write(0xe0 | sps.size());
        sps.forEach(n -> writeWithLength16(out, n));
        out.write(pps.size());
        pps.forEach(n -> writeWithLength16(out, n));
        int profile = first[1] & 0xff;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
            // High profiles carry the chroma/bit-depth extension; we only ever encode 8-bit 4:2:0.
            out.write(0xfc | 1);
            out.write(0xf8);
            out.write(0xf8);
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * Writes the readable bytes of {@code data} (Annex B or already AVCC) to {@code out} as 4-byte length-prefixed
     * NAL units, each copied once from where it lies (an encoder's native packet, wrapped) into {@code out}.
     */
    static void writeAvcc(ByteBuf data, ByteBuf out) {
        int from = data.readerIndex();
        int end = data.writerIndex();
        if (!isAnnexB(data, from, end)) {
            out.writeBytes(data, from, end - from);
            return;
        }
        int start = -1;
        int i = from;
        while (true) {
            // A start code begins with a zero byte: Netty's own scan finds the next one, no byte-by-byte loop here.
            int zero = data.forEachByte(i, end - i, ByteProcessor.FIND_NUL);
            if (zero < 0 || zero + 2 >= end) {
                break;
            }
            if (data.getByte(zero + 1) == 0 && data.getByte(zero + 2) == 1) {
                if (start >= 0) {
                    writeNal(data, start, zero, out);
                }
                i = zero + 3;
                start = i;
            } else {
                i = zero + 1;
            }
        }
        if (start >= 0) {
            writeNal(data, start, end, out);
        }
    }

    private static boolean isAnnexB(ByteBuf data, int from, int end) {
        return end - from >= 3 && data.getByte(from) == 0 && data.getByte(from + 1) == 0
                && (data.getByte(from + 2) == 1 || end - from >= 4 && data.getByte(from + 2) == 0
                && data.getByte(from + 3) == 1);
    }

    private static void writeNal(ByteBuf data, int from, int to, ByteBuf out) {
        while (to > from && data.getByte(to - 1) == 0) {
            to--; // the leading zero of a 4-byte start code, or trailing_zero_8bits
        }
        if (to > from) {
            out.writeInt(to - from);
            out.writeBytes(data, from, to - from);
        }
    }

    /**
     * True when {@code [from, to)} of {@code buf} is a whole sequence of 4-byte length-prefixed NAL units: a
     * truncated or garbled payload is caught here instead of deep inside the decoder.
     */
    static boolean isWellFormedAvcc(ByteBuf buf, int from, int to) {
        int i = from;
        if (i >= to) {
            return false;
        }
        while (i < to) {
            if (to - i < 4) {
                return false;
            }
            long len = buf.getUnsignedInt(i);
            if (len == 0 || len > to - i - 4) {
                return false;
            }
            i += 4 + (int) len;
        }
        return true;
    }

    /** The NAL units of an Annex B byte stream, without start codes and trailing zero bytes. */
    static List<byte[]> splitAnnexB(byte[] data) {
        List<byte[]> nals = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < data.length) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    addNal(nals, data, start, i);
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            addNal(nals, data, start, data.length);
        }
        return nals;
    }

    private static void addNal(List<byte[]> nals, byte[] data, int from, int to) {
        while (to > from && data[to - 1] == 0) {
            to--; // the leading zero of a 4-byte start code, or trailing_zero_8bits
        }
        if (to > from) {
            byte[] nal = new byte[to - from];
            System.arraycopy(data, from, nal, 0, nal.length);
            nals.add(nal);
        }
    }

    private static void writeWithLength16(ByteArrayOutputStream out, byte[] nal) {
        out.write(nal.length >> 8);
        out.write(nal.length & 0xff);
        out.write(nal, 0, nal.length);
    }
}
