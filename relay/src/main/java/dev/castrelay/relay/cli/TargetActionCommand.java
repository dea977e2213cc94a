package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** What {@code targets remove|enable|disable|restart ID} share: one request about one target, one line out. */
abstract class TargetActionCommand implements Callable<Integer> {

    @Mixin
    ControlOptions control;

    @Parameters(index = "0", paramLabel = "ID", description = "The target's id.")
    String id;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    TargetActionCommand(CliContext context) {
        this.context = context;
    }

    abstract String method();

    /** The path under {@code /api/v1/targets/ID}, or "". */
    abstract String subPath();

    /** The request body, or null. */
    abstract JsonNode body();

    /** What is printed on success. */
    abstract String done();

    @Override
    public Integer call() {
        return CliFailure.reported(spec, () -> {
            String path = "/api/v1/targets/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + subPath();
            control.client(spec, context).send(method(), path, body());
            spec.commandLine().getOut().println(done());
            return ExitCodes.OK;
        });
    }
}
