package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.castrelay.config.ConfigException;
import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.ListenAddress;
import dev.castrelay.config.Problem;
import dev.castrelay.config.Substitution;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a command finds a running relay: {@code --control URL} (default {@code control.listen} of
 * {@code --config}, else {@code http://127.0.0.1:8686}) and the token from {@code --token-file}, the
 * {@code RELAY_TOKEN} environment variable, or {@code control.token} of {@code --config}, in that order.
 */
final class ControlOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8686";
    static final String TOKEN_ENV = "RELAY_TOKEN";

    @Option(names = "--control", paramLabel = "URL",
            description = "The relay's control API (default: control.listen of --config, else " + DEFAULT_URL + ").")
    String control;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the API token.")
    Path tokenFile;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "relay.yaml: its control.token and control.listen are used when not given otherwise.")
    Path config;

    /** A client for the relay these options name. */
    ControlClient client(CommandSpec spec, CliContext context) throws CliFailure {
        JsonNode controlSection = config == null ? null : readControlSection();
        URI base = baseUrl(spec, context, controlSection);
        return new ControlClient(base, token(context, controlSection));
    }

    private URI baseUrl(CommandSpec spec, CliContext context, JsonNode controlSection) throws CliFailure {
        String url = control;
        if (url == null && controlSection != null && controlSection.path("listen").isTextual()) {
            url = fromListen(fromConfig(controlSection, "listen", context));
        }
        if (url == null) {
            url = DEFAULT_URL;
        }
        try {
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--control: expected a URL like " + DEFAULT_URL + ", got '" + url + "'");
        }
    }

    /** {@code 0.0.0.0:8686} is reached on this machine as 127.0.0.1. */
    private static String fromListen(String listen) {
        try {
            ListenAddress a = ListenAddress.parse(listen);
            String host = switch (a.host()) {
                case "0.0.0.0" -> "127.0.0.1";
                case "::", "0:0:0:0:0:0:0:0" -> "::1";
                default -> a.host();
            };
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.port();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String token(CliContext context, JsonNode controlSection) throws CliFailure {
        if (tokenFile != null) {
            String t;
            try {
                t = Substitution.secretFile(tokenFile, "--token-file");
            } catch (ConfigException e) {
                throw failure("", e);
            }
            if (t.isEmpty()) {
                throw new CliFailure(CliFailure.Kind.LOCAL, "token file " + tokenFile + " is empty");
            }
            return t;
        }
        String env = context.env().apply(TOKEN_ENV);
        if (env != null && !env.isEmpty()) {
            return env;
        }
        if (controlSection != null && controlSection.path("token").isTextual()) {
            String t = fromConfig(controlSection, "token", context);
            if (!t.isEmpty()) {
                return t;
            }
        }
        throw new CliFailure(CliFailure.Kind.LOCAL, "no API token: give --token-file FILE, set " + TOKEN_ENV
                + ", or --config relay.yaml with control.token");
    }

    /** The {@code control} section as written; its values are substituted one by one, when used. */
    private JsonNode readControlSection() throws CliFailure {
        try {
            return ConfigLoader.readSection(config, "control");
        } catch (ConfigException e) {
            throw failure("--config " + config + ": ", e);
        }
    }

    /**
     * {@code control.<key>} with {@code ${env:}} and {@code ${file:}} substituted as the relay substitutes them,
     * failing as {@code relay check} would. Only the values a command uses are substituted: with the token
     * from {@code RELAY_TOKEN}, a {@code control.token} naming a file on the relay's host does not matter.
     */
    private String fromConfig(JsonNode controlSection, String key, CliContext context) throws CliFailure {
        try {
            return Substitution.value(controlSection.path(key).asText(), "control." + key, context.env());
        } catch (ConfigException e) {
            throw failure("--config " + config + ": ", e);
        }
    }

    /** The config layer's problems as the one line a command prints (they never hold a secret). */
    private static CliFailure failure(String prefix, ConfigException e) {
        return new CliFailure(CliFailure.Kind.LOCAL, prefix + e.problems().stream().filter(Problem::isError)
                .map(Problem::toString).collect(Collectors.joining("; ")));
    }
}
