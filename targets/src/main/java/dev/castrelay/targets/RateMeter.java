package dev.castrelay.targets;

/**
 * Bytes and video frames per second over a sliding window of whole seconds. Single-writer (the pusher's event
 * loop); {@link #tick} publishes the figures other threads read.
 */
final class RateMeter {

    private final long[] bytes;
    private final long[] frames;
    private int current;
    private volatile long bitrateKbps;
    private volatile double fps;

    RateMeter(int windowSeconds) {
        bytes = new long[windowSeconds + 1];
        frames = new long[windowSeconds + 1];
    }

    void record(int size, boolean videoFrame) {
        bytes[current] += size;
        if (videoFrame) {
            frames[current]++;
        }
    }

    /** Called once a second: closes the current bucket and recomputes the figures from the full ones. */
    void tick() {
        long b = 0;
        long f = 0;
        int window = bytes.length - 1;
        for (int i = 0; i < bytes.length; i++) {
            if (i != current) {
                b += bytes[i];
                f += frames[i];
            }
        }
        bitrateKbps = b * 8 / 1000 / window;
        fps = (double) f / window;
        current = (current + 1) % bytes.length;
        bytes[current] = 0;
        frames[current] = 0;
    }

    void reset() {
        java.util.Arrays.fill(bytes, 0);
        java.util.Arrays.fill(frames, 0);
        bitrateKbps = 0;
        fps = 0;
    }

    long bitrateKbps() {
        return bitrateKbps;
    }

    double fps() {
        return fps;
    }
}
