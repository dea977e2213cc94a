package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;

/** {@code relay targets disable ID}: Disable a target; it unpublishes at once and is kept. */
@Command(name = "disable", mixinStandardHelpOptions = true,
        description = "Disable a target; it unpublishes at once and is kept.")
public final class TargetsDisableCommand extends TargetActionCommand {

    public TargetsDisableCommand(CliContext context) {
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
        return JsonNodeFactory.instance.objectNode().put("enabled", false);
    }

    @Override
    String done() {
        return "target '" + id + "' disabled";
    }
}
