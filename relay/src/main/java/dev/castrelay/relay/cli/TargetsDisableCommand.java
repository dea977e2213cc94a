package dev.castrelay.relay.cli;

import picocli.CommandLine.Command;

/** {@code relay targets disable ID}: Disable a target; it unpublishes at once and is kept. */
@Command(name = "disable", mixinStandardHelpOptions = true,
        description = "Disable a target; it unpublishes at once and is kept.")
public final class TargetsDisableCommand extends TargetActionCommand {

    public TargetsDisableCommand(CliContext context) {
        super(context, new Action("PATCH", "", enabled(false), "disabled"));
    }
}
