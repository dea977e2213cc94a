package dev.castrelay.relay.hub;

import dev.castrelay.ingest.GopCache;
import dev.castrelay.rtmp.media.LoopBoundListener;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.MediaChunks;
import dev.castrelay.targets.GopReplay;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fan-out point of one rendition: every packet goes, shared (not copied), to every subscribed target, and
 * into the {@link GopCache} that primes targets joining mid-stream.
 *
 * <p>Targets live on event loops ({@link LoopBoundListener}); a packet is handed to each loop once for all of
 * its targets, or delivered in place when the producer already runs on that loop (a passthrough rendition's
 * targets share the ingest's loop, as nginx-rtmp's live module serves every subscriber from one worker), unless
 * hand-overs to that loop are still queued: packets come from more than one thread (the active input's loop, and
 * the failover timer that replays the other input's GOP), and a packet delivered in place must never overtake
 * older ones still waiting in the loop's queue. Nothing here blocks. The lock orders a new subscriber's replay before the live packets it then receives; it is held
 * only while packets are handed over.
 */
public final class RenditionFeed implements MediaListener, GopReplay {

    /** Enough for a 10 s GOP at 20 Mb/s. */
    private static final long GOP_CACHE_BYTES = 32L << 20;

    private final String renditionId;
    private final GopCache cache = new GopCache(GOP_CACHE_BYTES);
    /** Per loop, its subscribers; replaced, never mutated, so a hand-over task keeps a consistent list. */
    private volatile Map<EventExecutor, List<LoopBoundListener>> byLoop = Map.of();
    private volatile List<MediaListener> others = List.of();
    /** Per loop, hand-over tasks queued and not yet run. */
    private final Map<EventExecutor, AtomicInteger> queued = new ConcurrentHashMap<>();
    private boolean streaming;

    public RenditionFeed(String renditionId) {
        this.renditionId = renditionId;
    }

    public String renditionId() {
        return renditionId;
    }

    /**
     * Fans {@code packet} out as its chunks for the wire, built here once for every target of the rendition
     * ({@link MediaChunks}): what the GOP cache and the targets' queues hold, and count.
     */
    @Override
    public synchronized void onPacket(MediaPacket ingested) {
        MediaPacket packet = MediaChunks.chunked(ingested, ByteBufAllocator.DEFAULT);
        try {
            fanOut(packet);
        } finally {
            packet.release();
        }
    }

    private void fanOut(MediaPacket packet) {
        streaming = true;
        cache.add(packet);
        for (Map.Entry<EventExecutor, List<LoopBoundListener>> e : byLoop.entrySet()) {
            EventExecutor loop = e.getKey();
            List<LoopBoundListener> listeners = e.getValue();
            AtomicInteger waiting = queued.computeIfAbsent(loop, k -> new AtomicInteger());
            if (loop.inEventLoop() && waiting.get() == 0) {
                for (LoopBoundListener l : listeners) {
                    l.onPacketOnLoop(packet);
                }
            } else {
                packet.retain();
                waiting.incrementAndGet();
                loop.execute(() -> {
                    try {
                        for (LoopBoundListener l : listeners) {
                            l.onPacketOnLoop(packet);
                        }
                    } finally {
                        waiting.decrementAndGet();
                        packet.release();
                    }
                });
            }
        }
        for (MediaListener s : others) {
            s.onPacket(packet);
        }
    }

    @Override
    public synchronized void onStreamEnd() {
        streaming = false;
        cache.clear();
        byLoop.values().forEach(list -> list.forEach(MediaListener::onStreamEnd));
        others.forEach(MediaListener::onStreamEnd);
    }

    /** The headers and the current GOP, for a target that (re)connects while subscribed. */
    @Override
    public synchronized void replayTo(MediaListener listener) {
        if (streaming) {
            cache.replayTo(listener);
        }
    }

    /** Adds a subscriber, first sending it the headers and the current GOP. */
    public void subscribe(MediaListener listener) {
        if (listener instanceof LoopBoundListener bound) {
            // On the subscriber's own loop, so a producer running on that loop cannot slip a live packet in
            // ahead of the replay.
            bound.executor().execute(() -> {
                synchronized (this) {
                    if (streaming) {
                        cache.replayTo(listener);
                    }
                    Map<EventExecutor, List<LoopBoundListener>> next = new LinkedHashMap<>(byLoop);
                    List<LoopBoundListener> list = new ArrayList<>(next.getOrDefault(bound.executor(), List.of()));
                    list.add(bound);
                    next.put(bound.executor(), List.copyOf(list));
                    byLoop = next;
                }
            });
            return;
        }
        synchronized (this) {
            if (streaming) {
                cache.replayTo(listener);
            }
            List<MediaListener> next = new ArrayList<>(others);
            next.add(listener);
            others = List.copyOf(next);
        }
    }

    public void unsubscribe(MediaListener listener) {
        if (listener instanceof LoopBoundListener bound) {
            bound.executor().execute(() -> removeBound(bound)); // after a subscribe still queued there
            return;
        }
        synchronized (this) {
            List<MediaListener> next = new ArrayList<>(others);
            next.remove(listener);
            others = List.copyOf(next);
        }
    }

    private synchronized void removeBound(LoopBoundListener bound) {
        Map<EventExecutor, List<LoopBoundListener>> next = new LinkedHashMap<>(byLoop);
        List<LoopBoundListener> list = new ArrayList<>(next.getOrDefault(bound.executor(), List.of()));
        list.remove(bound);
        if (list.isEmpty()) {
            next.remove(bound.executor());
        } else {
            next.put(bound.executor(), List.copyOf(list));
        }
        byLoop = next;
    }

    /** Frees the cache; the feed is not used afterwards. */
    public synchronized void close() {
        byLoop = Map.of();
        others = List.of();
        cache.clear();
    }
}
