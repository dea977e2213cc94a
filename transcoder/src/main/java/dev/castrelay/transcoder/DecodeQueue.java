package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hand-off from the ingest's event loop to the decode thread. Offering never blocks: at most
 * {@code capacity} media packets wait; when that is exceeded (the machine cannot keep up) everything is dropped
 * until the next video keyframe finds room, so the decoder resumes on a clean picture. Sequence headers, script data and
 * control events always get in (they are tiny, rare, and losing them would break what follows).
 *
 * <p>Producer: the ingest event loop (one at a time). Consumer: the decode thread.
 */
final class DecodeQueue {

    /** A publisher started or left; travels in order with the packets. */
    enum Event { INGEST_STARTED, INGEST_LOST }

    private static final Logger log = LoggerFactory.getLogger(DecodeQueue.class);

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger mediaQueued = new AtomicInteger();
    private final int capacity;
    /** Written by the producer only. */
    private volatile boolean dropping;
    private long dropped;

    DecodeQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("decode queue capacity " + capacity + " must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Queues a retained reference to {@code p}, or drops it; never blocks. Returns whether it was queued. */
    boolean offer(MediaPacket p) {
        if (p.isSequenceHeader() || p.isData()) {
            queue.add(p.retain());
            return true;
        }
        boolean room = mediaQueued.get() < capacity;
        if (dropping) {
            if (!(room && p.isKeyframe())) {
                dropped++;
                return false;
            }
            dropping = false;
            log.warn("Decode queue has room again: resuming at a keyframe after dropping {} ingest packets", dropped);
        } else if (!room) {
            dropping = true;
            dropped = 1;
            log.warn("Decode queue full ({} packets): the transcoder cannot keep up; dropping ingest packets until the "
                    + "next keyframe", capacity);
            return false;
        }
        mediaQueued.incrementAndGet();
        queue.add(p.retain());
        return true;
    }

    void offer(Event e) {
        queue.add(e);
    }

    /** The next packet (owned by the caller now) or event, or null after {@code timeoutMs}. */
    Object poll(long timeoutMs) throws InterruptedException {
        Object o = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o instanceof MediaPacket p && !p.isSequenceHeader() && !p.isData()) {
            mediaQueued.decrementAndGet();
        }
        return o;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Releases everything still queued. */
    void clear() {
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof MediaPacket p) {
                p.release();
            }
        }
        mediaQueued.set(0);
    }
}
