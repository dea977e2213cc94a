package dev.castrelay.ingest.srt;

/** Reads a parameter set's bits, most significant first, with Exp-Golomb codes (ITU-T H.264 9.1). */
final class BitReader {

    private final byte[] data;
    private int bit;

    BitReader(byte[] data, int byteOffset) {
        this.data = data;
        this.bit = byteOffset * 8;
    }

    int bits(int n) {
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

    void skip(int n) {
        bit += n;
    }

    int ue() {
        int zeros = 0;
        while (bits(1) == 0) {
            if (++zeros > 31) {
                throw new IllegalArgumentException("bad Exp-Golomb code");
            }
        }
        return zeros == 0 ? 0 : (1 << zeros) - 1 + bits(zeros);
    }
}
