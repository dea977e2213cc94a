package dev.castrelay.relay.cli;

import dev.castrelay.relay.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code relay demo [--duration 30s]}: everything on one machine, no accounts. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the relay with a built-in test-pattern encoder and local stand-in platforms.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long the test pattern is broadcast (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--audio-only", description = "Broadcast only the tone, no picture, as a phone line or a Space "
            + "would: the platforms get the slate with the live audio.")
    boolean audioOnly;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    public DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean color = context.terminal();
        boolean ok = new Demo(duration, audioOnly, out, (health, now) -> {
            out.println();
            out.print(HealthTable.render(health, color, now));
            out.flush();
        }).run();
        return ok ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
