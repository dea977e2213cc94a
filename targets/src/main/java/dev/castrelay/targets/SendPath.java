package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.RateMeter;
import io.netty.channel.ChannelFuture;

/**
 * A pusher's send path: moves its queued packets onto the live connection as fast as the socket and the lag bound
 * allow, one write per packet and one flush per batch, and drops whole GOPs when the platform's lag passes the
 * bound. The pusher decides when there is a connection and when to drain; this decides what goes.
 *
 * <p>Owned by the pusher's event loop, like the queue, the lag monitor and the meter it shares with the pusher.
 */
final class SendPath {

    private final PacketQueue queue;
    private final LagMonitor lag;
    private final RateMeter meter;
    private final TargetStatus status;

    SendPath(PacketQueue queue, LagMonitor lag, RateMeter meter, TargetStatus status) {
        this.queue = queue;
        this.lag = lag;
        this.meter = meter;
        this.status = status;
    }

    /** The platform accepted the publish: start from the newest keyframe, headers first, then what is queued. */
    void start(PusherConnection conn) {
        queue.startFromLatestKeyframe();
        // Frames skipped while not connected are no drops: the platform was not there to miss them.
        lag.joined(queue.droppedFrames());
        // What was queued at the join (the cached GOP) is sent at full speed: catching up is no falling behind.
        conn.joinTimestamp = queue.newestTimestamp();
        for (MediaPacket h : queue.headers()) {
            conn.session.send(h);
            h.release();
        }
        drain(conn, false);
    }

    /**
     * A media packet was queued while {@code conn} is live. A new GOP is when the lag can be cut (whole GOPs only):
     * judged as it arrives, not a tick later, so the lag never passes the bound by more than the GOP in hand.
     */
    void arrived(PusherConnection conn, MediaPacket p) {
        conn.progress.arrived(p.timestamp());
        if (p.isVideo() && p.isKeyframe() && !p.isSequenceHeader()
                && lag.overBound(conn.progress.lagMillis(queue.isEmpty())
                        + conn.progress.inFlightMillis(queue.isEmpty()))) {
            boundLag(conn);
        }
    }

    /** Sends what the channel takes; {@code everything} ignores writability (the queue is bounded anyway). */
    void drain(PusherConnection conn, boolean everything) {
        ChannelFuture lastWrite = null;
        long lastTimestamp = 0;
        int count = 0;
        MediaPacket p;
        while ((everything || conn.channel.isWritable() && !lag.holdBack(conn.progress, conn.wireBytes))
                && (p = queue.poll()) != null) {
            lastTimestamp = p.timestamp();
            conn.progress.arrived(lastTimestamp);
            lastWrite = conn.session.send(p); // encoded at once: wireBytes now counts it
            count++;
            conn.progress.handedOver(lastTimestamp, conn.wireBytes);
            meter.record(p.size(), p.isVideo() && !p.isSequenceHeader());
            status.bytesSent += p.size();
            p.release();
        }
        if (lastWrite != null) {
            // Writes complete in order: one listener on the batch's last write says the whole batch left.
            long written = lastTimestamp;
            int batch = count;
            lastWrite.addListener(done -> {
                if (done.isSuccess() && conn.isCurrent()) {
                    conn.progress.written(written, batch, System.nanoTime());
                }
            });
            conn.session.flush();
        }
    }

    /**
     * The viewer's lag (what the platform has, against what arrived) passed {@code queue.maxMillis}: drop whole GOPs
     * from the oldest end until what is in flight and what is queued come under half the bound, keeping the newest
     * GOP. What is in flight cannot be taken back, so the measured lag falls once the platform reads past the gap.
     */
    void boundLag(PusherConnection conn) {
        long inFlight = conn.progress.inFlightMillis(queue.isEmpty());
        long target = lag.targetAfterDrops();
        while (inFlight + queue.durationMillis() > target && queue.dropOldestGopBeforeNewest()) {
            // one GOP at a time, oldest first
        }
    }
}
