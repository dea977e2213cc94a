package dev.castrelay.rtmp.media;

import java.util.Arrays;

/**
 * Reads a parameter set's bits, most significant first, with Exp-Golomb codes (ITU-T H.264 9.1, H.265 9.2): the
 * one reader for every SPS the relay looks into (the size of an RTMP ingest, the records an SRT ingest builds).
 * Reading past the end throws {@link IllegalArgumentException}.
 */
public final class BitReader {

    private final byte[] data;
    private int bit;

    /** Reads {@code data} from {@code byteOffset} (e.g. past a NAL unit header). */
    public BitReader(byte[] data, int byteOffset) {
        this.data = data;
        this.bit = byteOffset * 8;
    }

    /** The bytes of a NAL unit without its emulation-prevention bytes ({@code 00 00 03} becomes {@code 00 00}). */
    public static byte[] unescape(byte[] src, int offset, int length) {
        byte[] out = new byte[length];
        int n = 0;
        int zeros = 0;
        for (int k = offset; k < offset + length; k++) {
            int b = src[k] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = (byte) b;
        }
        return Arrays.copyOf(out, n);
    }

    public int bits(int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            if (bit >= data.length * 8) {
                throw new IllegalArgumentException("parameter set ends early");
            }
            v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
            bit++;
        }
        return v;
    }

    public void skip(int n) {
        if (bit + n > data.length * 8) {
            throw new IllegalArgumentException("parameter set ends early");
        }
        bit += n;
    }

    public int ue() {
        int zeros = 0;
        while (bits(1) == 0) {
            if (++zeros > 31) {
                throw new IllegalArgumentException("bad Exp-Golomb code");
            }
        }
        return (int) ((1L << zeros) - 1 + bits(zeros));
    }

    public int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
}
