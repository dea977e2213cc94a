package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code relay ingest use primary|backup|auto}: pins the program to one input, or returns to failover. */
@Command(name = "use", mixinStandardHelpOptions = true,
        description = "Pin the program to the primary or the backup input, or return to automatic failover (auto).")
public final class IngestUseCommand implements Callable<Integer> {

    enum Choice { primary, backup, auto }

    @Mixin
    ControlOptions control;

    @Parameters(index = "0", paramLabel = "INPUT", description = "primary, backup or auto.")
    Choice input;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    public IngestUseCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return CliFailure.reported(spec, () -> {
            var body = JsonNodeFactory.instance.objectNode().put("input", input.name());
            var answer = control.client(spec, context).send("PUT", "/api/v1/ingest/active", body);
            String active = answer.body().path("active").asText("none");
            spec.commandLine().getOut().println(input == Choice.auto
                    ? "ingest: automatic failover (the program is on the " + active + " input)"
                    : "ingest: pinned to the " + input + " input (the program is on the " + active + " input)");
            return ExitCodes.OK;
        });
    }
}
