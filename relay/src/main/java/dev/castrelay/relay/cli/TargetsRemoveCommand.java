package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code relay targets remove ID}: Remove a target; it unpublishes at once. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a target; it unpublishes at once.")
public final class TargetsRemoveCommand extends TargetActionCommand {

    public TargetsRemoveCommand(CliContext context) {
        super(context);
    }

    @Override
    String method() {
        return "DELETE";
    }

    @Override
    String subPath() {
        return "";
    }

    @Override
    JsonNode body() {
        return null;
    }

    @Override
    String done() {
        return "target '" + id + "' removed";
    }
}
