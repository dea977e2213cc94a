package dev.castrelay.relay.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code relay ingest ...}: the inputs of a running relay. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "The inputs of a running relay: which one is the program.",
        subcommands = {IngestUseCommand.class})
public final class IngestCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
