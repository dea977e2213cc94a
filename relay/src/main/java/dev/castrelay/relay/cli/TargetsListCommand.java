package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code relay targets list}: the targets of a running relay, URLs with their keys masked. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the targets (keys masked).")
public final class TargetsListCommand implements Callable<Integer> {

    @Mixin
    ControlOptions control;

    @Option(names = "--json", description = "Print the API's answer as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    public TargetsListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return CliFailure.reported(spec, () -> {
            ControlClient.Answer answer = control.client(spec, context).get("/api/v1/targets");
            if (json) {
                out.println(answer.text());
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "%-16s %-10s %-10s %-8s %-13s %s%n", "ID", "PLATFORM", "RENDITION", "ENABLED",
                    "STATE", "URL");
            for (JsonNode t : answer.body().path("targets")) {
                out.printf(Locale.ROOT, "%-16s %-10s %-10s %-8s %-13s %s%n", t.path("id").asText(),
                        t.path("platform").asText(), t.path("rendition").asText(),
                        t.path("enabled").asBoolean() ? "yes" : "no", t.path("state").asText(),
                        t.path("url").asText(""));
            }
            return ExitCodes.OK;
        });
    }
}
