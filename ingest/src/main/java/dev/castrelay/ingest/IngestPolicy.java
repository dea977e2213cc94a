package dev.castrelay.ingest;

import dev.castrelay.rtmp.WarningSummary;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.PublishDecision;
import dev.castrelay.rtmp.session.PublishPolicy;
import dev.castrelay.rtmp.session.PublishRequest;
import dev.castrelay.rtmp.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may publish: the configured app and stream key (compared in constant time), one publisher at a time, and a
 * new publisher with the right key takes over from the old one, which may be a half-open connection the encoder
 * already gave up on. Only the active session's packets reach the hub.
 */
public final class IngestPolicy implements PublishPolicy {

    private static final Logger log = LoggerFactory.getLogger(IngestPolicy.class);

    private final String app;
    private final byte[] streamKey;
    private final ProgramSink hub;
    /** Someone guessing keys must not fill the log. */
    private final WarningSummary refusals = new WarningSummary(log, "refused publishers", 60,
            java.util.concurrent.TimeUnit.SECONDS);
    private final IngestMonitor monitor;
    private volatile ServerSession active;

    public IngestPolicy(String app, String streamKey, ProgramSink hub, IngestMonitor monitor) {
        this.app = app;
        this.streamKey = streamKey.getBytes(StandardCharsets.UTF_8);
        this.hub = hub;
        this.monitor = monitor;
    }

    @Override
    public PublishDecision onPublish(PublishRequest request, ServerSession session) {
        boolean keyOk = MessageDigest.isEqual(streamKey, request.streamName().getBytes(StandardCharsets.UTF_8));
        if (!app.equals(request.app()) || !keyOk) {
            refusals.warn("refused publisher from {}: {}", request.remoteAddress(),
                    app.equals(request.app()) ? "wrong stream key" : "unknown application '" + request.app() + "'");
            return new PublishDecision.Reject("NetStream.Publish.BadName", "invalid application or stream key");
        }
        ServerSession previous;
        synchronized (this) {
            previous = active;
            active = session;
        }
        if (previous != null && previous != session) {
            previous.close("taken over by a new publisher from " + request.remoteAddress());
        }
        log.info("ingest live: publisher from {}", request.remoteAddress());
        monitor.started();
        hub.onIngestStart();
        return new PublishDecision.Accept(new ActiveStream(session));
    }

    /** The session currently publishing, or null. */
    public ServerSession activeSession() {
        return active;
    }

    /** Forwards one session's stream while it is the active one. */
    private final class ActiveStream implements MediaListener {
        private final ServerSession session;

        ActiveStream(ServerSession session) {
            this.session = session;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            if (active == session) {
                monitor.record(packet);
                hub.onIngestPacket(packet);
            }
        }

        @Override
        public void onStreamEnd() {
            boolean wasActive;
            synchronized (IngestPolicy.this) {
                wasActive = active == session;
                if (wasActive) {
                    active = null;
                }
            }
            if (wasActive) {
                log.info("ingest lost: publisher from {} left", session.channel().remoteAddress());
                monitor.ended();
                hub.onIngestEnd();
            }
        }
    }
}
