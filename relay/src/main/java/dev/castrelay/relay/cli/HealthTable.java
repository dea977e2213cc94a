package dev.castrelay.relay.cli;

import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Ansi.IStyle;
import picocli.CommandLine.Help.Ansi.Style;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the health document as the table operators read: the status line, the inputs (with a backup), the
 * renditions, one row per target, and the alert endpoints in trouble. Laid out by picocli's {@link TextTable}
 * (each column as wide as its widest cell, at least its usual width, so a long id shifts nothing into the next
 * column); coloured through {@link Ansi}, which counts only visible characters, and plain without a terminal.
 */
public final class HealthTable {

    /** Spaces between two columns. */
    private static final int GAP = 2;
    private static final List<IStyle> PLAIN = List.of();
    private static final List<IStyle> GOOD = List.of(Style.fg_green);
    private static final List<IStyle> WORRY = List.of(Style.fg_yellow);
    private static final List<IStyle> BAD = List.of(Style.fg_red);
    private static final List<IStyle> OFF = List.of(Style.faint);

    private HealthTable() {
    }

    /** A column's heading and the width it keeps whatever its cells, so a redraw does not jump. */
    private record Heading(String name, int usualWidth) {
    }

    /**
     * @param color ANSI colours (a terminal); without, the text has no escape codes at all
     */
    public static String render(RelayHealth h, boolean color, Instant now) {
        Ansi ansi = Ansi.valueOf(color);
        StringBuilder sb = new StringBuilder(status(h, ansi, now));
        IngestHealth in = h.ingest();
        if (in.inputs().size() > 1) {
            sb.append(inputs(in, ansi)); // with a backup encoder: which input is the program, and how each is doing
        }
        if (!h.renditions().isEmpty()) {
            sb.append(renditions(h.renditions(), ansi));
        }
        sb.append(targets(h.targets(), ansi, now));
        for (AlertHealth a : h.alerts()) {
            // Only trouble is news here; /metrics counts every delivery.
            if (a.state() == AlertHealth.State.FAILING || a.dropped() > 0) {
                sb.append(ansi.apply("ALERTS", WORRY)).append(String.format(Locale.ROOT,
                        " %s %s %s: %d queued, %d dropped, %d sent%s%n", a.endpoint(), a.url(), a.state().id(),
                        a.queued(), a.dropped(), a.sent(), a.lastError() == null ? "" : "; last error: "
                                + a.lastError()));
            }
        }
        return sb.toString();
    }

    private static String status(RelayHealth h, Ansi ansi, Instant now) {
        IngestHealth in = h.ingest();
        StringBuilder sb = new StringBuilder("STATUS ").append(ansi.apply(h.status().name(), style(h.status())))
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
        return sb.append(String.format(Locale.ROOT, ", %d kb/s%n", in.bitrateKbps())).toString();
    }

    private static String inputs(IngestHealth in, Ansi ansi) {
        List<Text[]> rows = new ArrayList<>();
        for (IngestHealth.Input i : in.inputs()) {
            String program = i.role().equals(in.active()) ? "on air" + ("pinned".equals(in.mode()) ? "*" : "") : "";
            String video = i.video() == null ? "-" : String.format(Locale.ROOT, "%s %dx%d %.1f fps",
                    i.video().codec(), i.video().width(), i.video().height(), i.video().fps());
            rows.add(cells(ansi, i.role(), i.state().id(), i.protocol(), program, Long.toString(i.bitrateKbps()),
                    video));
        }
        return table(ansi, List.of(new Heading("INPUT", 12), new Heading("STATE", 9), new Heading("VIA", 4),
                new Heading("PROGRAM", 8), new Heading("KB/S", 7), new Heading("VIDEO", 0)), rows);
    }

    private static String renditions(List<RenditionHealth> renditions, Ansi ansi) {
        List<Text[]> rows = new ArrayList<>();
        for (RenditionHealth r : renditions) {
            rows.add(cells(ansi, r.id(), r.state().id(), String.format(Locale.ROOT, "%.1f", r.fps()),
                    Long.toString(r.bitrateKbps()), String.format(Locale.ROOT, "%.2fx", r.speed()),
                    r.reason() == null ? "" : r.reason()));
        }
        return table(ansi, List.of(new Heading("RENDITION", 12), new Heading("STATE", 9), new Heading("FPS", 6),
                new Heading("KB/S", 7), new Heading("SPEED", 6), new Heading("WHY", 0)), rows);
    }

    private static String targets(List<TargetHealth> targets, Ansi ansi, Instant now) {
        List<Text[]> rows = new ArrayList<>();
        for (TargetHealth t : targets) {
            String state = t.state().id() + (t.nextRetryInMs() != null ? " " + (t.nextRetryInMs() + 999) / 1000 + "s"
                    : "");
            boolean sending = t.state() == TargetState.LIVE || t.state() == TargetState.DEGRADED;
            Text[] row = cells(ansi, t.id(), t.platform(), t.rendition(), state, Long.toString(t.bitrateKbps()),
                    String.format(Locale.ROOT, "%.1f", t.fps()), t.queueMs() + "ms", Long.toString(t.droppedFrames()),
                    Long.toString(t.reconnects()), sending ? age(t.since(), now) : "-",
                    t.lastError() == null ? "" : t.lastError());
            row[3] = ansi.apply(state, style(t.state()));
            rows.add(row);
        }
        return table(ansi, List.of(new Heading("TARGET", 12), new Heading("PLATFORM", 10),
                new Heading("RENDITION", 10), new Heading("STATE", 12), new Heading("KB/S", 6), new Heading("FPS", 5),
                new Heading("QUEUE", 7), new Heading("DROPS", 6), new Heading("RECONN", 6), new Heading("UPTIME", 9),
                new Heading("LAST ERROR", 0)), rows);
    }

    /** Cells of plain text: values such as a platform's error text are shown as they are, never read as markup. */
    private static Text[] cells(Ansi ansi, String... values) {
        Text[] cells = new Text[values.length];
        for (int i = 0; i < values.length; i++) {
            cells[i] = ansi.apply(values[i], PLAIN);
        }
        return cells;
    }

    private static String table(Ansi ansi, List<Heading> headings, List<Text[]> rows) {
        Column[] columns = new Column[headings.size()];
        for (int c = 0; c < columns.length; c++) {
            int width = Math.max(headings.get(c).usualWidth(), headings.get(c).name().length());
            for (Text[] row : rows) {
                width = Math.max(width, row[c].plainString().length());
            }
            columns[c] = new Column(width + GAP, 0, Column.Overflow.SPAN);
        }
        TextTable table = TextTable.forColumns(ansi, columns);
        table.addRowValues(cells(ansi, headings.stream().map(Heading::name).toArray(String[]::new)));
        rows.forEach(table::addRowValues);
        return table.toString();
    }

    static String age(Instant since, Instant now) {
        long s = Math.max(0, Duration.between(since, now).getSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static List<IStyle> style(RelayHealth.Status status) {
        return switch (status) {
            case OK -> GOOD;
            case WARNING -> WORRY;
            case CRITICAL -> BAD;
        };
    }

    private static List<IStyle> style(TargetState s) {
        return switch (s) {
            case LIVE -> GOOD;
            case DEGRADED, CONNECTING, WAITING -> WORRY;
            case RECONNECTING, FAILED -> BAD;
            case DISABLED -> OFF;
        };
    }
}
