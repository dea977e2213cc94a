package dev.castrelay.relay.alerts;

import dev.castrelay.config.Secrets;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.ingest.InputSelector;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the relay's health, read again and again, into alerts: each call to {@link #next} compares a reading with
 * what the earlier ones showed and returns the alerts of the transitions. Pure apart from its own memory, and
 * driven by the caller's clock, so a table of readings pins its behaviour.
 *
 * <p>Debounce, so that a flapping target or encoder makes no storm: every problem has a latch. An alert sets it
 * ({@code target.down}, {@code target.failed}, {@code ingest.lost}, {@code rendition.slow}); while it is set, the
 * same problem raises nothing more, however often it comes and goes. The latch is released, with a recovery alert,
 * only once things have been well for {@link #recoverMillis} on end (a target live, the ingest live; a rendition
 * clears its own {@code slow} only at speed 1.1, after 10 s under 1.0). So a target that drops every few seconds
 * gives one {@code target.down} and, once it holds, one {@code target.recovered}.
 *
 * <ul>
 *   <li>{@code target.down}: not live (nor degraded: a degraded target still sends) for {@code downSeconds} on end
 *       while the ingest is live. The clock stops while the ingest is not live: then {@code ingest.lost} says it
 *       all, and targets waiting for media are not down.</li>
 *   <li>{@code target.failed}: at once, each time the target enters {@code failed}.</li>
 *   <li>{@code target.recovered}: after a {@code down} or {@code failed}, live again for {@link #recoverMillis}.</li>
 *   <li>{@code ingest.lost}: at once, when no input is left; {@code ingest.recovered}: live again for
 *       {@link #recoverMillis}.</li>
 *   <li>{@code rendition.slow}: when a rendition's {@code slow} turns on.</li>
 *   <li>{@code ingest.failover}: every switch ({@link #failover}).</li>
 * </ul>
 * A disabled or removed target is forgotten without a word: an operator did that.
 *
 * <p>Not thread-safe: one owner thread calls it (the alerts loop).
 */
public final class AlertRules {

    /** Recoveries wait at most this long: enough to see a flap, short enough to be news. */
    static final long MAX_RECOVER_MILLIS = 10_000;

    private final long downMillis;
    private final long recoverMillis;
    private final Map<String, TargetTrack> targets = new HashMap<>();
    private final Set<String> slowRenditions = new HashSet<>();
    private boolean ingestAlerted;
    private Instant ingestLiveSince;

    private static final class TargetTrack {
        /** Since when it has not been up while the ingest was live (null: up, or the ingest is not live). */
        Instant downSince;
        /** Since when it has been up again after an alert (null: not up, or no alert to recover from). */
        Instant upSince;
        /** A down or failed alert was sent and no recovered since. */
        boolean alerted;
        boolean inFailed;
    }

    /** @param downSeconds the endpoint's {@code downSeconds} */
    public AlertRules(int downSeconds) {
        this.downMillis = downSeconds * 1000L;
        this.recoverMillis = Math.min(downMillis, MAX_RECOVER_MILLIS);
    }

    long recoverMillis() {
        return recoverMillis;
    }

    /**
     * The alerts of the transitions since the last reading.
     *
     * @param h       the health now
     * @param now     the caller's clock
     * @param secrets keys and tokens, masked should a platform's error text echo one
     */
    public List<Alert> next(RelayHealth h, Instant now, Collection<String> secrets) {
        List<Alert> out = new ArrayList<>();
        boolean ingestLive = h.ingest().state() == IngestState.LIVE;
        ingest(h, now, out);
        Set<String> seen = new HashSet<>();
        for (TargetHealth t : h.targets()) {
            seen.add(t.id());
            target(t, ingestLive, now, secrets, out);
        }
        targets.keySet().retainAll(seen);
        Set<String> slowNow = new HashSet<>();
        for (RenditionHealth r : h.renditions()) {
            if (r.slow()) {
                slowNow.add(r.id());
                if (!slowRenditions.contains(r.id())) {
                    out.add(Alert.rendition(now, r.id(), r.state().id(), String.format(java.util.Locale.ROOT,
                            "encoding below real time for 10 s (speed %.2fx): its targets fall behind; use a "
                                    + "faster preset or a smaller size", r.speed())));
                }
            }
        }
        slowRenditions.clear();
        slowRenditions.addAll(slowNow);
        return out;
    }

    /** The alert of one switch of the program's input. */
    public Alert failover(InputSelector.Switch s, Instant now) {
        String from = s.from() == null ? "no" : "the " + s.from().id();
        return Alert.ingest(AlertEvent.INGEST_FAILOVER, now, s.to().id(), IngestState.LIVE.id(),
                "the program switched from " + from + " input to the " + s.to().id() + " input: " + s.why());
    }

    private void ingest(RelayHealth h, Instant now, List<Alert> out) {
        IngestState state = h.ingest().state();
        if (state == IngestState.LOST) {
            ingestLiveSince = null;
            if (!ingestAlerted) {
                ingestAlerted = true;
                out.add(Alert.ingest(AlertEvent.INGEST_LOST, now, null, state.id(), "no input is publishing: "
                        + "transcoded renditions show the slate, passthrough targets wait for the encoder"));
            }
        } else if (state == IngestState.LIVE && ingestAlerted) {
            if (ingestLiveSince == null) {
                ingestLiveSince = now;
            }
            if (millisSince(ingestLiveSince, now) >= recoverMillis) {
                ingestAlerted = false;
                ingestLiveSince = null;
                String from = h.ingest().active() == null ? "" : " from the " + h.ingest().active() + " input";
                out.add(Alert.ingest(AlertEvent.INGEST_RECOVERED, now, h.ingest().active(), state.id(),
                        "the program is live again" + from + ", for " + seconds(recoverMillis)));
            }
        } else {
            ingestLiveSince = null;
        }
    }

    private void target(TargetHealth t, boolean ingestLive, Instant now, Collection<String> secrets,
                        List<Alert> out) {
        if (t.state() == TargetState.DISABLED) {
            targets.remove(t.id());
            return;
        }
        TargetTrack track = targets.computeIfAbsent(t.id(), id -> new TargetTrack());
        String url = Secrets.redact(t.url(), secrets);
        String error = Secrets.redact(t.lastError(), secrets);
        if (t.state() == TargetState.FAILED) {
            track.downSince = null;
            track.upSince = null;
            if (!track.inFailed) {
                track.inFailed = true;
                track.alerted = true;
                out.add(Alert.target(AlertEvent.TARGET_FAILED, now, t.id(), url, t.state().id(),
                        "stopped retrying" + (error == null ? "" : ": " + error)
                                + "; fix the cause, then restart or enable it"));
            }
            return;
        }
        track.inFailed = false;
        boolean up = t.state() == TargetState.LIVE || t.state() == TargetState.DEGRADED;
        if (up) {
            track.downSince = null;
            if (track.alerted) {
                if (track.upSince == null) {
                    track.upSince = now;
                }
                if (millisSince(track.upSince, now) >= recoverMillis) {
                    track.alerted = false;
                    track.upSince = null;
                    out.add(Alert.target(AlertEvent.TARGET_RECOVERED, now, t.id(), url, t.state().id(),
                            "live again, for " + seconds(recoverMillis)));
                }
            }
            return;
        }
        track.upSince = null;
        if (!ingestLive) {
            track.downSince = null;
            return;
        }
        if (track.downSince == null) {
            track.downSince = now;
        }
        if (!track.alerted && millisSince(track.downSince, now) >= downMillis) {
            track.alerted = true;
            out.add(Alert.target(AlertEvent.TARGET_DOWN, now, t.id(), url, t.state().id(),
                    "not live for " + seconds(downMillis) + " while the ingest is" + (error == null ? ""
                            : "; last error: " + error)));
        }
    }

    private static long millisSince(Instant since, Instant now) {
        return Duration.between(since, now).toMillis();
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s",
                millis / 1000.0);
    }
}
