package dev.castrelay.relay.cli;

import java.io.InputStream;
import java.util.function.Function;

/**
 * What commands read from the process besides their arguments: environment variables, stdin, and whether the
 * output is a terminal (colour and in-place redraws). Tests give their own.
 *
 * @param env      the environment: null for a variable that is not set
 * @param stdin    where {@code --key -} reads the key
 * @param terminal true when stdout is a terminal
 */
public record CliContext(Function<String, String> env, InputStream stdin, boolean terminal) {

    /** The real process: its environment, its stdin, a terminal when there is a console. */
    public static CliContext system() {
        return new CliContext(System::getenv, System.in, System.console() != null);
    }
}
