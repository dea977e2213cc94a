package dev.castrelay.relay.cli;

import picocli.CommandLine.Command;

/** {@code relay targets restart ID}: Reconnect a target now, resetting its backoff. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Reconnect a target now, resetting its backoff.")
public final class TargetsRestartCommand extends TargetActionCommand {

    public TargetsRestartCommand(CliContext context) {
        super(context, new Action("POST", "/restart", null, "restarting"));
    }
}
