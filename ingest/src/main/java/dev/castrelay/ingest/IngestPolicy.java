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
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Who may publish: the configured app and a stream key (compared in constant time) that names the input, the
 * primary's or the backup's. One publisher per input at a time: a new publisher with the right key takes over from
 * the old one, which may be a half-open connection the encoder already gave up on. Each input's stream goes to the
 * {@link InputSelector}, which makes one of them the program.
 */
public final class IngestPolicy implements PublishPolicy {

    private static final Logger log = LoggerFactory.getLogger(IngestPolicy.class);

    private final String app;
    private final Map<InputRole, byte[]> keys = new EnumMap<>(InputRole.class);
    private final InputSelector selector;
    /** Someone guessing keys must not fill the log. */
    private final WarningSummary refusals = new WarningSummary(log, "refused publishers", 60, TimeUnit.SECONDS);
    /** The publishing session of each input; guarded by this. */
    private final Map<InputRole, ServerSession> active = new EnumMap<>(InputRole.class);

    /** @param backupKey null without a backup input */
    public IngestPolicy(String app, String streamKey, String backupKey, InputSelector selector) {
        this.app = app;
        this.keys.put(InputRole.PRIMARY, streamKey.getBytes(StandardCharsets.UTF_8));
        if (backupKey != null) {
            this.keys.put(InputRole.BACKUP, backupKey.getBytes(StandardCharsets.UTF_8));
        }
        this.selector = selector;
    }

    @Override
    public PublishDecision onPublish(PublishRequest request, ServerSession session) {
        InputRole role = app.equals(request.app()) ? roleOf(request.streamName()) : null;
        if (role == null) {
            refusals.warn("refused publisher from {}: {}", request.remoteAddress(),
                    app.equals(request.app()) ? "wrong stream key" : "unknown application '" + request.app() + "'");
            return new PublishDecision.Reject("NetStream.Publish.BadName", "invalid application or stream key");
        }
        ServerSession previous;
        synchronized (this) {
            previous = active.put(role, session);
        }
        if (previous != null && previous != session) {
            previous.close("taken over by a new " + role.id() + " publisher from " + request.remoteAddress());
        }
        log.info("ingest {} input live: publisher from {}", role.id(), request.remoteAddress());
        selector.started(role);
        return new PublishDecision.Accept(new InputStream(role, session));
    }

    /** The input whose key {@code name} is, checking every key in constant time; null for none. */
    private InputRole roleOf(String name) {
        byte[] presented = name.getBytes(StandardCharsets.UTF_8);
        InputRole found = null;
        for (Map.Entry<InputRole, byte[]> e : keys.entrySet()) {
            if (MessageDigest.isEqual(e.getValue(), presented)) {
                found = e.getKey();
            }
        }
        return found;
    }

    private synchronized boolean isActive(InputRole role, ServerSession session) {
        return active.get(role) == session;
    }

    /** Forwards one session's stream while it is its input's publisher. */
    private final class InputStream implements MediaListener {
        private final InputRole role;
        private final ServerSession session;

        InputStream(InputRole role, ServerSession session) {
            this.role = role;
            this.session = session;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            if (isActive(role, session)) {
                selector.packet(role, packet);
            }
        }

        @Override
        public void onStreamEnd() {
            boolean wasActive;
            synchronized (IngestPolicy.this) {
                wasActive = active.get(role) == session;
                if (wasActive) {
                    active.remove(role);
                }
            }
            if (wasActive) {
                log.info("ingest {} input lost: publisher from {} left", role.id(), session.channel().remoteAddress());
                selector.ended(role);
            }
        }
    }
}
