package dev.castrelay.relay.cli;

import picocli.CommandLine.Command;

/** {@code relay targets remove ID}: Remove a target; it unpublishes at once. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a target; it unpublishes at once.")
public final class TargetsRemoveCommand extends TargetActionCommand {

    public TargetsRemoveCommand(CliContext context) {
        super(context, new Action("DELETE", "", null, "removed"));
    }
}
