package dev.castrelay.relay.cli;

import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Renders the health document as the table operators read: ingest, renditions, one row per target. */
public final class HealthTable {

    private static final String RESET = "\u001b[0m";

    private HealthTable() {
    }

    public static String render(RelayHealth h, boolean color, Instant now) {
        StringBuilder sb = new StringBuilder();
        IngestHealth in = h.ingest();
        sb.append("STATUS ").append(paint(h.status().name(), statusColor(h.status()), color))
                .append("   INGEST ").append(in.state().id()).append(" for ").append(age(in.since(), now));
        if (in.video() != null) {
            IngestHealth.Video v = in.video();
            sb.append(String.format(Locale.ROOT, "   %s %dx%d %.1f fps, keyframe %.1f s", v.codec(), v.width(),
                    v.height(), v.fps(), v.keyframeIntervalSec()));
        }
        if (in.audio() != null) {
            sb.append(String.format(Locale.ROOT, ", %s %d Hz %d ch", in.audio().codec(), in.audio().sampleRate(),
                    in.audio().channels()));
        }
        sb.append(String.format(Locale.ROOT, ", %d kb/s%n", in.bitrateKbps()));
        if (in.inputs().size() > 1) {
            // With a backup encoder: which input is the program, and how each one is doing.
            sb.append(String.format(Locale.ROOT, "%-12s %-9s %-4s %-8s %7s  %s%n", "INPUT", "STATE", "VIA", "PROGRAM",
                    "KB/S", "VIDEO"));
            for (IngestHealth.Input i : in.inputs()) {
                String program = i.role().equals(in.active()) ? "on air" + ("pinned".equals(in.mode()) ? "*" : "") : "";
                String video = i.video() == null ? "-" : String.format(Locale.ROOT, "%s %dx%d %.1f fps",
                        i.video().codec(), i.video().width(), i.video().height(), i.video().fps());
                sb.append(String.format(Locale.ROOT, "%-12s %-9s %-4s %-8s %7d  %s%n", i.role(), i.state().id(),
                        i.protocol(), program, i.bitrateKbps(), video));
            }
        }
        if (!h.renditions().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%-12s %-9s %6s %7s %6s  %s%n", "RENDITION", "STATE", "FPS", "KB/S",
                    "SPEED", "WHY"));
            for (RenditionHealth r : h.renditions()) {
                String row = String.format(Locale.ROOT, "%-12s %-9s %6.1f %7d %5.2fx  %s", r.id(), r.state().id(),
                        r.fps(), r.bitrateKbps(), r.speed(), r.reason() == null ? "" : r.reason());
                sb.append(row.stripTrailing()).append(String.format("%n"));
            }
        }
        sb.append(String.format(Locale.ROOT, "%-12s %-10s %-10s %-12s %6s %5s %7s %6s %6s %9s  %s%n", "TARGET",
                "PLATFORM", "RENDITION", "STATE", "KB/S", "FPS", "QUEUE", "DROPS", "RECONN", "UPTIME",
                "LAST ERROR"));
        for (TargetHealth t : h.targets()) {
            String state = String.format(Locale.ROOT, "%-12s", t.state().id()
                    + (t.nextRetryInMs() != null ? " " + (t.nextRetryInMs() + 999) / 1000 + "s" : ""));
            boolean sending = t.state() == TargetState.LIVE || t.state() == TargetState.DEGRADED;
            sb.append(String.format(Locale.ROOT, "%-12s %-10s %-10s %s %6d %5.1f %6dms %6d %6d %9s  %s%n",
                    t.id(), t.platform(), t.rendition(), paint(state, stateColor(t.state()), color),
                    t.bitrateKbps(), t.fps(), t.queueMs(), t.droppedFrames(), t.reconnects(),
                    sending ? age(t.since(), now) : "-", t.lastError() == null ? "" : t.lastError()));
        }
        for (AlertHealth a : h.alerts()) {
            // Only trouble is news here; /metrics counts every delivery.
            if (a.state() == AlertHealth.State.FAILING || a.dropped() > 0) {
                sb.append(paint("ALERTS", "\u001b[33m", color)).append(String.format(Locale.ROOT,
                        " %s %s %s: %d queued, %d dropped, %d sent%s%n", a.endpoint(), a.url(), a.state().id(), a.queued(),
                        a.dropped(), a.sent(), a.lastError() == null ? "" : "; last error: " + a.lastError()));
            }
        }
        return sb.toString();
    }

    static String age(Instant since, Instant now) {
        long s = Math.max(0, Duration.between(since, now).getSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String paint(String text, String code, boolean color) {
        return color && code != null ? code + text + RESET : text;
    }

    private static String statusColor(RelayHealth.Status status) {
        return switch (status) {
            case OK -> "\u001b[32m";
            case WARNING -> "\u001b[33m";
            case CRITICAL -> "\u001b[31m";
        };
    }

    private static String stateColor(TargetState s) {
        return switch (s) {
            case LIVE -> "\u001b[32m";
            case DEGRADED, CONNECTING, WAITING -> "\u001b[33m";
            case RECONNECTING, FAILED -> "\u001b[31m";
            case DISABLED -> "\u001b[90m";
        };
    }
}
