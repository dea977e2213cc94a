package dev.castrelay.targets;

/**
 * How far one connection is behind the stream, measured where it matters: at the socket. A packet counts as sent
 * when its write completes (the kernel took it), not when it was handed to Netty, so a platform that stops reading
 * shows up as growing lag within a second or two, however large Netty's outbound buffer is.
 *
 * <p>Not thread-safe: owned by the pusher's event loop, one instance per connection.
 */
final class SendProgress {

    private long newestTimestamp = Long.MIN_VALUE;
    private long writtenTimestamp = Long.MIN_VALUE;
    private int pendingWrites;
    private long lastProgressNanos;

    SendProgress(long nowNanos) {
        this.lastProgressNanos = nowNanos;
    }

    /** A media packet arrived for this target (sent yet or not). */
    void arrived(long timestamp) {
        newestTimestamp = Math.max(newestTimestamp, timestamp);
    }

    /** A packet went to the channel; {@link #written} follows when the socket takes it. */
    void handedOver(long timestamp) {
        if (pendingWrites == 0 && writtenTimestamp == Long.MIN_VALUE) {
            writtenTimestamp = timestamp; // the first packet of a connection: lag counts from here
        }
        pendingWrites++;
    }

    /** The socket took the packet of {@code timestamp}. */
    void written(long timestamp, long nowNanos) {
        pendingWrites--;
        writtenTimestamp = Math.max(writtenTimestamp, timestamp);
        lastProgressNanos = nowNanos;
    }

    /** Whether anything waits for the platform: in our queue or in the channel. */
    boolean waiting(boolean queueEmpty) {
        return pendingWrites > 0 || !queueEmpty;
    }

    /** Media time between the newest packet that arrived and the newest the socket took; 0 when nothing waits. */
    long lagMillis(boolean queueEmpty) {
        if (!waiting(queueEmpty) || newestTimestamp == Long.MIN_VALUE || writtenTimestamp == Long.MIN_VALUE) {
            return 0;
        }
        return Math.max(0, newestTimestamp - writtenTimestamp);
    }

    /** Nanoseconds since the socket last took anything, counting only time in which something was waiting. */
    long nanosWithoutProgress(boolean queueEmpty, long nowNanos) {
        if (!waiting(queueEmpty)) {
            lastProgressNanos = nowNanos;
            return 0;
        }
        return nowNanos - lastProgressNanos;
    }
}
