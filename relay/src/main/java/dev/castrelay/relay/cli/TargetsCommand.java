package dev.castrelay.relay.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code relay targets ...}: list, add, remove, enable, disable and restart targets of a running relay. */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "Change the targets of a running relay; each change takes effect at once and is persisted.",
        subcommands = {TargetsListCommand.class, TargetsAddCommand.class, TargetsRemoveCommand.class,
            TargetsEnableCommand.class, TargetsDisableCommand.class, TargetsRestartCommand.class})
public final class TargetsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
