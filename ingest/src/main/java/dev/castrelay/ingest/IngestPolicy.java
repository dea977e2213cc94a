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
import java.util.function.Consumer;

/**
 * Who may publish: the configured app and a stream key (compared in constant time) that names the input, the
 * primary's or the backup's, over RTMP ({@link #onPublish}) or SRT ({@link #admit}). One publisher per input at a
 * time, whatever its protocol: a new publisher with the right key takes over from the old one, which may be a
 * half-open connection the encoder already gave up on. Each input's stream goes to the {@link InputSelector}, which
 * makes one of them the program.
 */
public final class IngestPolicy implements PublishPolicy {

    private static final Logger log = LoggerFactory.getLogger(IngestPolicy.class);

    private final String app;
    private final Map<InputRole, byte[]> keys = new EnumMap<>(InputRole.class);
    private final InputSelector selector;
    /** Someone guessing keys must not fill the log. */
    private final WarningSummary refusals = new WarningSummary(log, "refused publishers", 60, TimeUnit.SECONDS);
    /** The publisher of each input; guarded by this. */
    private final Map<InputRole, Publisher> active = new EnumMap<>(InputRole.class);

    /**
     * One publishing connection, of either protocol: compared by identity, closed when another takes its input.
     *
     * @param from  where it comes from, for the log
     * @param close ends the connection, with the reason for its log
     */
    private record Publisher(String from, Consumer<String> close) {
    }

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
            refuse(String.valueOf(request.remoteAddress()),
                    app.equals(request.app()) ? "wrong stream key" : "unknown application '" + request.app() + "'");
            return new PublishDecision.Reject("NetStream.Publish.BadName", "invalid application or stream key");
        }
        Feed feed = start(role, IngestProtocol.RTMP, new Publisher(String.valueOf(request.remoteAddress()),
                session::close));
        return new PublishDecision.Accept(feed);
    }

    /**
     * A publisher of another protocol (SRT) that named {@code requestedApp} and {@code key}: the feed for its
     * stream, or null (logged, summarised) when the app or the key is wrong. Its input's previous publisher, of
     * either protocol, is closed.
     *
     * @param from  where it comes from, for the log
     * @param close ends the connection when another publisher takes its input over, with the reason
     */
    public Feed admit(String requestedApp, String key, IngestProtocol protocol, String from, Consumer<String> close) {
        InputRole role = app.equals(requestedApp) ? roleOf(key) : null;
        if (role == null) {
            refuse(from, app.equals(requestedApp) ? "wrong stream key"
                    : "unknown application '" + requestedApp + "'");
            return null;
        }
        return start(role, protocol, new Publisher(from, close));
    }

    /** Logs, summarised, a publisher refused before any media was read; never with the key it presented. */
    public void refuse(String from, String why) {
        refusals.warn("refused publisher from {}: {}", from, why);
    }

    private Feed start(InputRole role, IngestProtocol protocol, Publisher publisher) {
        Publisher previous;
        synchronized (this) {
            previous = active.put(role, publisher);
        }
        if (previous != null && previous != publisher) {
            previous.close().accept("taken over by a new " + role.id() + " publisher from " + publisher.from());
        }
        log.info("ingest {} input live: {} publisher from {}", role.id(), protocol.id(), publisher.from());
        selector.started(role, protocol);
        return new Feed(role, publisher);
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

    private synchronized boolean isActive(InputRole role, Publisher publisher) {
        return active.get(role) == publisher;
    }

    /** Forwards one publisher's stream while it is its input's publisher. */
    public final class Feed implements MediaListener {
        private final InputRole role;
        private final Publisher publisher;

        private Feed(InputRole role, Publisher publisher) {
            this.role = role;
            this.publisher = publisher;
        }

        /** The input this publisher feeds. */
        public InputRole role() {
            return role;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            if (isActive(role, publisher)) {
                selector.packet(role, packet);
            }
        }

        @Override
        public void onStreamEnd() {
            boolean wasActive;
            synchronized (IngestPolicy.this) {
                wasActive = active.get(role) == publisher;
                if (wasActive) {
                    active.remove(role);
                }
            }
            if (wasActive) {
                log.info("ingest {} input lost: publisher from {} left", role.id(), publisher.from());
                selector.ended(role);
            }
        }
    }
}
