package dev.castrelay.transcoder;

/**
 * Maps ingest timestamps onto a rendition's own output clock, one ingest epoch at a time (see
 * {@link RenditionStream}): an epoch (from a publisher's (re)start to its loss) gets one offset, chosen at its first
 * frame so that the epoch continues exactly where the output stands, whatever the publisher's clock reads. A jump
 * of the ingest clock past {@link #FORWARD_JUMP_MS} ahead or {@link #BACKWARD_JUMP_MS} back of where the output
 * expects the next frame is a publisher that restarted its clock without telling: a new epoch, not a gap to fill
 * or a stretch to drop.
 *
 * <p>Milliseconds throughout. Confined to its rendition's thread; not thread-safe.
 */
final class RenditionClock {

    /** Ingest timestamps further ahead than this of the output's next slot start a new epoch. */
    static final double FORWARD_JUMP_MS = 2000;
    /** Ingest timestamps further behind than this of the output's next slot start a new epoch. */
    static final double BACKWARD_JUMP_MS = 500;

    /** Ingest ms to rendition ms for the current epoch; null until the epoch's first frame. */
    private Long offsetMs;

    /** Whether an epoch is running (its first frame has come and it has not ended). */
    boolean running() {
        return offsetMs != null;
    }

    /** Starts an epoch whose first ingest timestamp lands where the output stands, rounded up to a whole ms. */
    void begin(long ingestMs, double outputPositionMs) {
        offsetMs = (long) Math.ceil(outputPositionMs) - ingestMs;
    }

    /** Ends the epoch: the next frame starts a new one. */
    void end() {
        offsetMs = null;
    }

    /** Where {@code ingestMs} lands on the output clock in the running epoch. */
    long toOutput(long ingestMs) {
        if (offsetMs == null) {
            throw new IllegalStateException("no ingest epoch is running");
        }
        return ingestMs + offsetMs;
    }

    /**
     * Whether a frame at {@code ingestMs} is a jump of the publisher's clock rather than the next frame, the output
     * expecting its next frame at {@code expectedOutputMs}.
     */
    boolean isJump(long ingestMs, double expectedOutputMs) {
        double ahead = toOutput(ingestMs) - expectedOutputMs;
        return ahead > FORWARD_JUMP_MS || ahead < -BACKWARD_JUMP_MS;
    }
}
