package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;

/** {@code relay targets enable ID}: Enable a target; it starts publishing at once. */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = "Enable a target; it starts publishing at once.")
public final class TargetsEnableCommand extends TargetActionCommand {

    public TargetsEnableCommand(CliContext context) {
        super(context);
    }

    @Override
    String method() {
        return "PATCH";
    }

    @Override
    String subPath() {
        return "";
    }

    @Override
    JsonNode body() {
        return JsonNodeFactory.instance.objectNode().put("enabled", true);
    }

    @Override
    String done() {
        return "target '" + id + "' enabled";
    }
}
