package dev.castrelay.relay.hub;

import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fan-out point of one rendition: every packet goes, shared (not copied), to every subscribed target, and
 * into the {@link GopCache} that primes targets joining mid-stream. Subscribers never block (pushers hand packets
 * to their own event loop), so the lock held while fanning out is only ever held briefly; it orders a new
 * subscriber's replay before the live packets it then receives.
 */
public final class RenditionFeed implements MediaListener {

    /** Enough for a 10 s GOP at 20 Mb/s. */
    private static final long GOP_CACHE_BYTES = 32L << 20;

    private final String renditionId;
    private final GopCache cache = new GopCache(GOP_CACHE_BYTES);
    private final List<MediaListener> subscribers = new CopyOnWriteArrayList<>();
    private boolean streaming;

    public RenditionFeed(String renditionId) {
        this.renditionId = renditionId;
    }

    public String renditionId() {
        return renditionId;
    }

    @Override
    public synchronized void onPacket(MediaPacket packet) {
        streaming = true;
        cache.add(packet);
        for (MediaListener s : subscribers) {
            s.onPacket(packet);
        }
    }

    @Override
    public synchronized void onStreamEnd() {
        streaming = false;
        cache.clear();
        for (MediaListener s : subscribers) {
            s.onStreamEnd();
        }
    }

    /** Adds a subscriber, first sending it the headers and the current GOP. */
    public synchronized void subscribe(MediaListener listener) {
        if (streaming) {
            cache.replayTo(listener);
        }
        subscribers.add(listener);
    }

    public void unsubscribe(MediaListener listener) {
        subscribers.remove(listener);
    }

    /** Frees the cache; the feed is not used afterwards. */
    public synchronized void close() {
        subscribers.clear();
        cache.clear();
    }
}
