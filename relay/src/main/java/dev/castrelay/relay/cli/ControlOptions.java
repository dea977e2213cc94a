package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.castrelay.config.ListenAddress;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a command finds a running relay: {@code --control URL} (default {@code control.listen} of
 * {@code --config}, else {@code http://127.0.0.1:8686}) and the token from {@code --token-file}, the
 * {@code RELAY_TOKEN} environment variable, or {@code control.token} of {@code --config}, in that order.
 */
final class ControlOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8686";
    static final String TOKEN_ENV = "RELAY_TOKEN";
    /** A token file is a line, not a document. */
    private static final long MAX_TOKEN_FILE_BYTES = 64 * 1024;
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");

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
        URI base = baseUrl(spec, controlSection);
        return new ControlClient(base, token(context, controlSection));
    }

    private URI baseUrl(CommandSpec spec, JsonNode controlSection) {
        String url = control;
        if (url == null && controlSection != null && controlSection.path("listen").isTextual()) {
            url = fromListen(controlSection.path("listen").asText());
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
            String t = readFile(tokenFile, "token file");
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
            String t = substitute(controlSection.path("token").asText(), context);
            if (!t.isEmpty()) {
                return t;
            }
        }
        throw new CliFailure(CliFailure.Kind.LOCAL, "no API token: give --token-file FILE, set " + TOKEN_ENV
                + ", or --config relay.yaml with control.token");
    }

    private JsonNode readControlSection() throws CliFailure {
        String text = readFile(config, "config file");
        ObjectMapper mapper = config.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                ? new JsonMapper() : new YAMLMapper();
        try {
            JsonNode root = mapper.readTree(text);
            return root == null ? null : root.get("control");
        } catch (IOException e) {
            throw new CliFailure(CliFailure.Kind.LOCAL, "cannot read " + config
                    + ": not valid YAML/JSON (run 'relay check --config " + config + "' for details)");
        }
    }

    /** {@code ${env:NAME}} and {@code ${file:PATH}}, as the relay substitutes them. */
    private static String substitute(String value, CliContext context) throws CliFailure {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1).equals("env")) {
                replacement = context.env().apply(m.group(2));
                if (replacement == null) {
                    throw new CliFailure(CliFailure.Kind.LOCAL, "control.token refers to ${env:" + m.group(2)
                            + "}, which is not set");
                }
            } else {
                replacement = readFile(Path.of(m.group(2)), "control.token file");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The file's text without trailing line ends. */
    private static String readFile(Path file, String what) throws CliFailure {
        try {
            long size = Files.size(file);
            if (size > MAX_TOKEN_FILE_BYTES && what.contains("token")) {
                throw new CliFailure(CliFailure.Kind.LOCAL, what + " " + file + " has " + size
                        + " bytes, more than the " + MAX_TOKEN_FILE_BYTES + " a token file may have");
            }
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int end = s.length();
            while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
                end--;
            }
            return s.substring(0, end);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.Kind.LOCAL, "cannot read " + what + " " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
