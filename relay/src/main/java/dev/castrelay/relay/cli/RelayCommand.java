package dev.castrelay.relay.cli;

import picocli.CommandLine.Command;

/** {@code relay}: the top-level command; does nothing by itself but list its subcommands. */
@Command(name = "relay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Multistreaming relay: one RTMP ingest, every platform at once.",
        subcommands = {RunCommand.class, DemoCommand.class, CheckCommand.class, HealthCommand.class,
            TargetsCommand.class, IngestCommand.class, picocli.CommandLine.HelpCommand.class})
public final class RelayCommand implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** No command given: the usage, on stderr, and the usage error code (a script called it wrong). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
