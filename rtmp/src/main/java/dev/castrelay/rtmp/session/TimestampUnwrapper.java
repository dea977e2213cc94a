package dev.castrelay.rtmp.session;

/**
 * Turns the wire's 32-bit millisecond timestamps into a 64-bit clock: a stream longer than 49.7 days, or one
 * that starts near the wrap, keeps increasing.
 */
final class TimestampUnwrapper {

    private static final long WRAP = 1L << 32;
    private long last = -1;
    private long epoch;

    long unwrap(long wire) {
        if (last >= 0 && wire < last && last - wire > WRAP / 2) {
            epoch += WRAP;
        }
        last = wire;
        return epoch + wire;
    }
}
