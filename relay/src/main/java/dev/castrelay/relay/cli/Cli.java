package dev.castrelay.relay.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Builds the command line with injectable writers, so every command can be tested without a process. */
public final class Cli {

    private Cli() {
    }

    public static CommandLine create(PrintWriter out, PrintWriter err) {
        return create(out, err, CliContext.system());
    }

    /** As {@link #create(PrintWriter, PrintWriter)}, with the caller's environment, stdin and terminal. */
    public static CommandLine create(PrintWriter out, PrintWriter err, CliContext context) {
        CommandLine cl = new CommandLine(new RelayCommand(), new ContextFactory(context));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> ExitCodes.FAILURE);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("relay: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            // One clear line, never a stack trace, for anything a command did not handle itself.
            c.getErr().println("relay: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
            return ExitCodes.FAILURE;
        });
        return cl;
    }

    /** Gives commands that take a {@link CliContext} in their constructor this one. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(CliContext.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
