package dev.castrelay.relay.cli;

import java.io.PrintWriter;

/** {@code bin/relay}'s entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = Cli.create(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
