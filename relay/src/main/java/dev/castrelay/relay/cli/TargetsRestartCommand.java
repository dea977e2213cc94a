package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code relay targets restart ID}: Reconnect a target now, resetting its backoff. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Reconnect a target now, resetting its backoff.")
public final class TargetsRestartCommand extends TargetActionCommand {

    public TargetsRestartCommand(CliContext context) {
        super(context);
    }

    @Override
    String method() {
        return "POST";
    }

    @Override
    String subPath() {
        return "/restart";
    }

    @Override
    JsonNode body() {
        return null;
    }

    @Override
    String done() {
        return "target '" + id + "' restarting";
    }
}
