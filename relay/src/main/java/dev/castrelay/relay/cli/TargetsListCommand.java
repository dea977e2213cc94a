package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.castrelay.relay.control.TargetView;
import dev.castrelay.targets.TargetHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
            for (TargetView v : targets(answer)) {
                TargetHealth t = v.health();
                out.printf(Locale.ROOT, "%-16s %-10s %-10s %-8s %-13s %s%n", t.id(), t.platform(), t.rendition(),
                        v.enabled() ? "yes" : "no", t.state().id(), t.url() == null ? "" : t.url());
            }
            return ExitCodes.OK;
        });
    }

    private static List<TargetView> targets(ControlClient.Answer answer) throws CliFailure {
        JsonNode list = answer.body() == null ? null : answer.body().get("targets");
        if (list == null || !list.isArray()) {
            throw new CliFailure(CliFailure.Kind.REFUSED, "the relay did not answer a list of targets");
        }
        List<TargetView> targets = new ArrayList<>();
        for (JsonNode t : list) {
            try {
                targets.add(TargetView.fromJson(t));
            } catch (IllegalArgumentException e) {
                throw new CliFailure(CliFailure.Kind.REFUSED, "the relay's target #" + (targets.size() + 1)
                        + " is not readable: " + e.getMessage());
            }
        }
        return targets;
    }
}
