package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code relay targets add --id ID (--platform P | --url URL) [--key-env VAR | --key-file F | --key -]
 * [--rendition R]}: adds and starts a target on a running relay. The key is resolved here and sent in the
 * request body; it is never taken from the command line, where {@code ps} and shell history would show it.
 */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add and start a target while live.")
public final class TargetsAddCommand implements Callable<Integer> {

    /** A key is a line; anything longer is not a key. */
    private static final int MAX_KEY_CHARS = 4096;

    @Mixin
    ControlOptions control;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "Unique id of the new target.")
    String id;

    @Option(names = "--platform", paramLabel = "P",
            description = "youtube, facebook, instagram, twitter (x), twitch, linkedin or custom.")
    String platform;

    @Option(names = "--url", paramLabel = "URL", description = "Ingest URL without the key (default: the platform's).")
    String url;

    @Option(names = "--rendition", paramLabel = "R", description = "Rendition it carries (default: the first).")
    String rendition;

    @ArgGroup(exclusive = true)
    KeySource key;

    /** Where the stream key comes from: one of three, never the command line itself. */
    static final class KeySource {
        @Option(names = "--key-env", paramLabel = "VAR", description = "Read the key from this environment variable.")
        String env;

        @Option(names = "--key-file", paramLabel = "FILE", description = "Read the key from this file.")
        Path file;

        @Option(names = "--key", paramLabel = "-", description = "'-': read the key from stdin.")
        String stdin;
    }

    @Spec
    CommandSpec spec;

    private final CliContext context;

    public TargetsAddCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (platform == null && url == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --platform P, --url URL, or both");
        }
        if (key != null && key.stdin != null && !key.stdin.equals("-")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--key takes only '-' (read the key from "
                    + "stdin): a key on the command line shows in ps and shell history; or use --key-env/--key-file");
        }
        return CliFailure.reported(spec, () -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("id", id);
            if (platform != null) {
                body.put("platform", platform);
            }
            if (url != null) {
                body.put("url", url);
            }
            String k = readKey();
            if (k != null) {
                body.put("key", k);
            }
            if (rendition != null) {
                body.put("rendition", rendition);
            }
            JsonNode t = control.client(spec, context).send("POST", "/api/v1/targets", body).body();
            spec.commandLine().getOut().println("target '" + t.path("id").asText() + "' added ("
                    + t.path("platform").asText() + ", rendition " + t.path("rendition").asText() + ", "
                    + t.path("url").asText() + "): " + t.path("state").asText());
            return ExitCodes.OK;
        });
    }

    private String readKey() throws CliFailure {
        if (key == null) {
            return null;
        }
        String k;
        if (key.env != null) {
            k = context.env().apply(key.env);
            if (k == null) {
                throw new CliFailure(CliFailure.Kind.LOCAL, "--key-env: environment variable " + key.env
                        + " is not set");
            }
        } else if (key.file != null) {
            try {
                if (Files.size(key.file) > MAX_KEY_CHARS) {
                    throw new CliFailure(CliFailure.Kind.LOCAL, "--key-file: " + key.file + " is larger than "
                            + MAX_KEY_CHARS + " bytes; a key file holds one line");
                }
                k = Files.readString(key.file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new CliFailure(CliFailure.Kind.LOCAL, "--key-file: cannot read " + key.file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        } else {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8));
                k = in.readLine();
            } catch (IOException e) {
                throw new CliFailure(CliFailure.Kind.LOCAL, "--key -: cannot read stdin ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        k = k == null ? "" : k.strip();
        if (k.isEmpty()) {
            throw new CliFailure(CliFailure.Kind.LOCAL, "the key is empty");
        }
        if (k.length() > MAX_KEY_CHARS) {
            throw new CliFailure(CliFailure.Kind.LOCAL, "the key has " + k.length() + " characters, more than "
                    + MAX_KEY_CHARS);
        }
        return k;
    }
}
