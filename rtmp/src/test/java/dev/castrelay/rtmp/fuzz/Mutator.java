package dev.castrelay.rtmp.fuzz;

import java.util.Arrays;
import java.util.Random;

/** Seeded byte mutations of the kinds that break framing: flips, inserts, deletes, hostile sizes, truncation. */
final class Mutator {

    /** Values that sit on limits: chunk sizes, lengths, counts, timestamps. */
    private static final int[] INTERESTING = {0, 1, 127, 128, 0x7F, 0xFF, 0xFFFF, 0x10000, 0x10001, 0xFFFFFF,
            0x1000000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};

    private Mutator() {
    }

    static byte[] mutate(byte[] input, Random random) {
        byte[] b = input.clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds && b.length > 0; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = insert(b, at, random);
                case 3 -> b = delete(b, at, 1 + random.nextInt(Math.min(16, b.length - at)));
                case 4 -> writeInt(b, at, INTERESTING[random.nextInt(INTERESTING.length)]);
                case 5 -> writeMedium(b, at, random.nextBoolean() ? 0xFFFFFF : random.nextInt(1 << 24));
                default -> b = Arrays.copyOf(b, at);
            }
        }
        return b;
    }

    /** Where to cut the input into the reads a socket might deliver. */
    static int nextPiece(Random random, int remaining) {
        int piece = switch (random.nextInt(3)) {
            case 0 -> 1 + random.nextInt(8);
            case 1 -> 1 + random.nextInt(512);
            default -> remaining;
        };
        return Math.min(piece, remaining);
    }

    private static byte[] insert(byte[] b, int at, Random random) {
        int n = 1 + random.nextInt(8);
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at);
        for (int i = 0; i < n; i++) {
            out[at + i] = (byte) random.nextInt(256);
        }
        System.arraycopy(b, at, out, at + n, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int n) {
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out;
    }

    private static void writeInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4 && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void writeMedium(byte[] b, int at, int v) {
        for (int i = 0; i < 3 && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (16 - 8 * i));
        }
    }
}
