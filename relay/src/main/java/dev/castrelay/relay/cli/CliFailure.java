package dev.castrelay.relay.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * A command that talks to the relay could not do its job; the message is the one line printed after
 * {@code relay: }, saying what failed and what to do, never holding a key or token.
 */
final class CliFailure extends Exception {

    /** Why: {@code relay health} answers UNKNOWN for the first two, CRITICAL or WARNING never come from here. */
    enum Kind { UNREACHABLE, UNAUTHORIZED, REFUSED, LOCAL }

    private final Kind kind;

    CliFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    /** What a command does with the relay: prints its result and returns the exit code. */
    interface Work {
        int run() throws CliFailure;
    }

    /**
     * Runs {@code work} for a command: a failure is its one line after {@code relay: } and exit code 1; the output
     * is flushed either way.
     */
    static int reported(CommandSpec spec, Work work) {
        try {
            return work.run();
        } catch (CliFailure e) {
            spec.commandLine().getErr().println("relay: " + e.getMessage());
            return ExitCodes.FAILURE;
        } finally {
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
        }
    }
}
