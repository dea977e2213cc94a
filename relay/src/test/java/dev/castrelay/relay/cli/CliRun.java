package dev.castrelay.relay.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the CLI in-process with captured output, a given environment and stdin, no terminal. */
record CliRun(int code, String out, String err) {

    static CliRun withStdin(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(env::get,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false);
        int code = Cli.create(new PrintWriter(out, true), new PrintWriter(err, true), context).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    static CliRun run(Map<String, String> env, String... args) {
        return withStdin(env, "", args);
    }
}
