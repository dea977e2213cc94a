package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
    private final Action action;

    /**
     * One request about one target.
     *
     * @param method  the HTTP method
     * @param subPath the path under {@code /api/v1/targets/ID}, or ""
     * @param body    the request body, or null
     * @param outcome the word printed after the target's name on success ("removed", "enabled", ...)
     */
    record Action(String method, String subPath, JsonNode body, String outcome) {
    }

    TargetActionCommand(CliContext context, Action action) {
        this.context = context;
        this.action = action;
    }

    /** The body of a PATCH that enables or disables a target. */
    static JsonNode enabled(boolean enabled) {
        return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
    }

    @Override
    public Integer call() {
        return CliFailure.reported(spec, () -> {
            String path = "/api/v1/targets/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + action.subPath();
            control.client(spec, context).send(action.method(), path, action.body());
            spec.commandLine().getOut().println("target '" + id + "' " + action.outcome());
            return ExitCodes.OK;
        });
    }
}
