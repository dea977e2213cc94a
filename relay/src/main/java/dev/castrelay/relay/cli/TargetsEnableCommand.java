package dev.castrelay.relay.cli;

import picocli.CommandLine.Command;

/** {@code relay targets enable ID}: Enable a target; it starts publishing at once. */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = "Enable a target; it starts publishing at once.")
public final class TargetsEnableCommand extends TargetActionCommand {

    public TargetsEnableCommand(CliContext context) {
        super(context, new Action("PATCH", "", enabled(true), "enabled"));
    }
}
