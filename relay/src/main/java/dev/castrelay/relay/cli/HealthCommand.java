package dev.castrelay.relay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.control.HealthDocument;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code relay health [--watch] [--json]}: the health table of a running relay, with the monitoring-plugin exit
 * codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (relay unreachable, token refused).
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Show a running relay's health: ingest, renditions, targets.",
            "Exit codes: 0 OK (ingest live, every enabled target live), 1 WARNING (anything degraded, reconnecting "
                + "or on slate), 2 CRITICAL (ingest down, or no target live), 3 UNKNOWN (relay unreachable, "
                + "bad token).",
            "With --probe: 0 whenever the relay answers, whatever its status, 3 as above (container and "
                + "Kubernetes probes)."})
public final class HealthCommand implements Callable<Integer> {

    public static final int OK = 0;
    public static final int WARNING = 1;
    public static final int CRITICAL = 2;
    public static final int UNKNOWN = 3;

    /** Cursor home; erase to the end of the line; erase to the end of the screen. No full clear: it scrolls. */
    static final String HOME = "\u001b[H";
    static final String ERASE_LINE = "\u001b[K";
    static final String ERASE_BELOW = "\u001b[J";
    private static final long WATCH_INTERVAL_MILLIS = 1000;

    @Mixin
    ControlOptions control;

    @Option(names = "--watch", description = "Redraw every second in place, like top, until Ctrl-C.")
    boolean watch;

    @Option(names = "--json", description = "Print the API's health document instead of the table "
            + "(with --watch: one document per line, every second).")
    boolean json;

    @Option(names = "--probe", description = "Exit 0 whenever the relay answers, whatever the broadcast's "
            + "status, and 3 (UNKNOWN) when it cannot be reached or refuses the token; prints the status in one line. "
            + "For container health checks and Kubernetes probes: a lost encoder or a platform outage must not get "
            + "the relay restarted or taken out of its Service.")
    boolean probe;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    public HealthCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ControlClient client;
        try {
            client = control.client(spec, context);
        } catch (CliFailure e) {
            err.println("relay: " + e.getMessage());
            return UNKNOWN;
        }
        if (probe && (watch || json)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--probe answers once, in one line: it goes with neither --watch nor --json");
        }
        if (watch) {
            return watch(client, out);
        }
        try {
            ControlClient.Answer answer = client.get("/api/v1/health");
            RelayHealth h = HealthDocument.fromJson(answer.body());
            if (probe) {
                // The relay answered: it is alive and its ports are open. What the broadcast needs is for people
                // (relay health, the dashboard, alerts) to act on, not for a restart, which would drop every target.
                out.println("relay answers at " + client.base() + "; status " + h.status().name());
                out.flush();
                return OK;
            }
            if (json) {
                out.println(answer.text());
            } else {
                out.print(HealthTable.render(h, context.terminal(), Instant.now()));
            }
            out.flush();
            return exitCode(h);
        } catch (CliFailure e) {
            err.println("relay: " + e.getMessage());
            return UNKNOWN;
        } catch (IllegalArgumentException notHealth) {
            err.println("relay: " + client.base() + " did not answer a health document: " + notHealth.getMessage());
            return UNKNOWN;
        }
    }

    /** Redraws until interrupted; the exit code is that of the last reading. */
    private int watch(ControlClient client, PrintWriter out) throws InterruptedException {
        int code = UNKNOWN;
        while (!Thread.currentThread().isInterrupted()) {
            long start = System.nanoTime();
            String screen;
            try {
                ControlClient.Answer answer = client.get("/api/v1/health");
                RelayHealth h = HealthDocument.fromJson(answer.body());
                code = exitCode(h);
                if (json) {
                    out.println(answer.body());
                    out.flush();
                    sleepRest(start);
                    continue;
                }
                screen = HealthTable.render(h, context.terminal(), Instant.now());
            } catch (CliFailure e) {
                code = UNKNOWN;
                screen = "relay: " + e.getMessage() + System.lineSeparator();
            } catch (IllegalArgumentException notHealth) {
                code = UNKNOWN;
                screen = "relay: " + client.base() + " did not answer a health document: " + notHealth.getMessage()
                        + System.lineSeparator();
            }
            if (json) {
                out.println(Unreachable.line(screen.trim()));
            } else {
                String title = "relay health  " + client.base() + "  " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
                        + "  (every 1 s, Ctrl-C to stop)" + System.lineSeparator() + System.lineSeparator();
                out.print(HOME + (title + screen).replace(System.lineSeparator(), ERASE_LINE + System.lineSeparator())
                        + ERASE_BELOW);
            }
            out.flush();
            sleepRest(start);
        }
        return code;
    }

    private static void sleepRest(long startNanos) throws InterruptedException {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        TimeUnit.MILLISECONDS.sleep(Math.max(50, WATCH_INTERVAL_MILLIS - elapsed));
    }

    /** The document's status, computed by the relay: ok 0, warning 1, critical 2. */
    static int exitCode(RelayHealth h) {
        return switch (h.status()) {
            case OK -> OK;
            case WARNING -> WARNING;
            case CRITICAL -> CRITICAL;
        };
    }

    /**
     * What {@code --watch --json} prints for a reading that failed, in the API's error shape, so a consumer of the
     * stream of documents sees one JSON object per line whatever happens.
     */
    record Unreachable(String error, String detail) {

        private static final ObjectMapper JSON = new JsonMapper();

        static String line(String detail) {
            try {
                return JSON.writeValueAsString(new Unreachable("unreachable", detail));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("two strings did not make JSON", e);
            }
        }
    }
}
