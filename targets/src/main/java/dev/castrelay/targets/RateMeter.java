package dev.castrelay.targets;

import java.util.Arrays;

/**
 * Bytes and video frames per second over a sliding window of whole seconds. Single-writer (the pusher's event
 * loop); {@link #tick} publishes the figures other threads read.
 */
final class RateMeter {

    private final long[] bytes;
    private final long[] frames;
    private int current;
    private int fullSeconds;
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

    /**
     * Called once a second: closes the current bucket and recomputes the figures from the full ones, the one just
     * closed included. Until the window has filled, the average is over the seconds seen so far.
     */
    void tick() {
        int window = bytes.length - 1;
        fullSeconds = Math.min(window, fullSeconds + 1);
        current = (current + 1) % bytes.length;
        bytes[current] = 0; // the oldest bucket becomes the new current one
        frames[current] = 0;
        long b = 0;
        long f = 0;
        for (int i = 0; i < bytes.length; i++) {
            b += bytes[i];
            f += frames[i];
        }
        bitrateKbps = b * 8 / 1000 / fullSeconds;
        fps = (double) f / fullSeconds;
    }

    void reset() {
        Arrays.fill(bytes, 0);
        Arrays.fill(frames, 0);
        fullSeconds = 0;
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
