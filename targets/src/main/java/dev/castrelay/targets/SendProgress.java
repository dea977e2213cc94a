package dev.castrelay.targets;

import java.util.ArrayDeque;

/**
 * How far one connection is behind the stream. Where the platform acknowledges what it read (RTMP
 * Acknowledgement, after every {@code ackWindow} bytes we ask for), that is the measure; the kernel's send buffer
 * can otherwise hide many seconds of a stalled platform. A platform that never acks is measured at the socket:
 * a packet counts as sent when its write completes.
 *
 * <p>Not thread-safe: owned by the pusher's event loop, one instance per connection.
 */
final class SendProgress {

    /** Enough marks for minutes of media; a platform that never acks must not make them grow without end. */
    private static final int MAX_MARKS = 16_384;

    private final long ackWindow;
    /** {wire bytes at the end of the packet, its timestamp}, oldest first, not yet known to be received. */
    private final ArrayDeque<long[]> marks = new ArrayDeque<>();
    private long newestTimestamp = Long.MIN_VALUE;
    private long handedTimestamp = Long.MIN_VALUE;
    private long writtenTimestamp = Long.MIN_VALUE;
    private long receivedTimestamp = Long.MIN_VALUE;
    private long acked = -1;
    private int pendingWrites;
    private long lastProgressNanos;

    SendProgress(long ackWindow, long nowNanos) {
        this.ackWindow = ackWindow;
        this.lastProgressNanos = nowNanos;
    }

    /** A media packet arrived for this target (sent yet or not). */
    void arrived(long timestamp) {
        newestTimestamp = Math.max(newestTimestamp, timestamp);
    }

    /** A packet went to the channel, ending at {@code wireEnd} bytes; {@link #written} follows. */
    void handedOver(long timestamp, long wireEnd) {
        if (writtenTimestamp == Long.MIN_VALUE) {
            writtenTimestamp = timestamp; // the first packet of a connection: lag counts from here
            receivedTimestamp = timestamp;
        }
        handedTimestamp = Math.max(handedTimestamp, timestamp);
        pendingWrites++;
        marks.addLast(new long[] {wireEnd, timestamp});
        if (marks.size() > MAX_MARKS) {
            marks.pollFirst();
        }
    }

    /** The socket took every packet up to the one of {@code timestamp}: {@code count} packets in all. */
    void written(long timestamp, int count, long nowNanos) {
        pendingWrites -= count;
        writtenTimestamp = Math.max(writtenTimestamp, timestamp);
        if (acked < 0) {
            lastProgressNanos = nowNanos;
        }
    }

    /** The platform acknowledged {@code sequenceNumber} bytes (32 bits, wrapping). */
    void acknowledged(long sequenceNumber, long nowNanos) {
        long base = Math.max(acked, 0);
        long unwrapped = (base & ~0xFFFFFFFFL) | (sequenceNumber & 0xFFFFFFFFL);
        if (unwrapped < base - (1L << 31)) {
            unwrapped += 1L << 32;
        }
        if (unwrapped > acked) {
            acked = unwrapped;
            lastProgressNanos = nowNanos;
        }
    }

    /**
     * Forgets marks the platform has surely or probably read: up to the acked bytes plus one window, since the
     * platform acks only once a window is full.
     */
    private void settle() {
        long readUpTo = acked + ackWindow;
        while (!marks.isEmpty() && marks.peekFirst()[0] <= readUpTo) {
            receivedTimestamp = Math.max(receivedTimestamp, marks.pollFirst()[1]);
        }
    }

    /** Whether anything waits for the platform: in our queue, in the channel or unread by the platform. */
    boolean waiting(boolean queueEmpty) {
        if (acked >= 0) {
            settle();
            return !marks.isEmpty() || !queueEmpty;
        }
        return pendingWrites > 0 || !queueEmpty;
    }

    /** Media time between the newest packet that arrived and the newest the platform has; 0 when nothing waits. */
    long lagMillis(boolean queueEmpty) {
        if (!waiting(queueEmpty) || newestTimestamp == Long.MIN_VALUE) {
            return 0;
        }
        long reached = acked >= 0 ? receivedTimestamp : writtenTimestamp;
        return reached == Long.MIN_VALUE ? 0 : Math.max(0, newestTimestamp - reached);
    }

    /**
     * Media time handed to the connection that the platform does not have yet: the part of the lag that sits in
     * Netty's buffer, the kernel and the network, which no drop can take back.
     */
    long inFlightMillis(boolean queueEmpty) {
        if (!waiting(queueEmpty) || handedTimestamp == Long.MIN_VALUE) {
            return 0;
        }
        long reached = acked >= 0 ? receivedTimestamp : writtenTimestamp;
        return reached == Long.MIN_VALUE ? 0 : Math.max(0, handedTimestamp - reached);
    }

    /**
     * Whether the platform has enough unread to answer with an acknowledgement by itself: more than two windows
     * past its last one. Holding packets back is safe only then; with less, the platform may never ack again.
     * Without acks (a platform that never sends them) the socket's own progress moves things: always true.
     */
    boolean acknowledgementDue(long wireBytes) {
        return acked < 0 || wireBytes - acked > 2 * ackWindow;
    }

    /** The newest packet the platform has (acknowledged, or taken by the socket where acks do not come). */
    long reachedTimestamp() {
        if (acked >= 0) {
            settle();
            return receivedTimestamp;
        }
        return writtenTimestamp;
    }

    /** Nanoseconds since the platform (or the socket) last took anything, counting only time when data waited. */
    long nanosWithoutProgress(boolean queueEmpty, long nowNanos) {
        if (!waiting(queueEmpty)) {
            lastProgressNanos = nowNanos;
            return 0;
        }
        return nowNanos - lastProgressNanos;
    }
}
