package dev.castrelay.relay.hub;

import dev.castrelay.ingest.ProgramSink;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.transcoder.Transcoder;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the ingest's packets go: straight to every passthrough rendition's feed, and to the transcoder, which
 * decodes once and feeds the transcoded renditions. Called by the active ingest session only (the ingest policy
 * guarantees one at a time); synchronized so a takeover cannot interleave two publishers' packets.
 */
public final class MediaHub implements ProgramSink {

    private final Map<String, RenditionFeed> feeds = new LinkedHashMap<>();
    private final Map<String, RenditionFeed> passthrough = new LinkedHashMap<>();
    private Transcoder transcoder;
    /** Between onIngestStart and onIngestEnd; guarded by this. */
    private boolean ingestActive;

    /** Registers a rendition's feed; passthrough feeds take the ingest packets as they are. */
    public void addFeed(RenditionFeed feed, boolean isPassthrough) {
        feeds.put(feed.renditionId(), feed);
        if (isPassthrough) {
            passthrough.put(feed.renditionId(), feed);
        }
    }

    public void setTranscoder(Transcoder transcoder) {
        this.transcoder = transcoder;
    }

    public RenditionFeed feed(String renditionId) {
        return feeds.get(renditionId);
    }

    public Collection<RenditionFeed> feeds() {
        return feeds.values();
    }

    @Override
    public synchronized void onIngestStart() {
        if (ingestActive) {
            // A takeover: the new publisher replaced one that never ended (a half-open connection). Its timestamps
            // start again near zero, so passthrough targets must start a new publish, as after an ingest loss;
            // spliced into the old one, the platform would see time run backwards.
            for (RenditionFeed feed : passthrough.values()) {
                feed.onStreamEnd();
            }
        }
        ingestActive = true;
        if (transcoder != null) {
            transcoder.onIngestStart();
        }
    }

    @Override
    public synchronized void onIngestPacket(MediaPacket packet) {
        for (RenditionFeed feed : passthrough.values()) {
            feed.onPacket(packet);
        }
        if (transcoder != null) {
            transcoder.onIngestPacket(packet);
        }
    }

    /** The publisher left: passthrough targets unpublish, transcoded renditions go to the slate. */
    @Override
    public synchronized void onIngestEnd() {
        ingestActive = false;
        for (RenditionFeed feed : passthrough.values()) {
            feed.onStreamEnd();
        }
        if (transcoder != null) {
            transcoder.onIngestLost();
        }
    }
}
