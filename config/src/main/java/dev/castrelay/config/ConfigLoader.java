package dev.castrelay.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Loads {@code relay.yaml} (or JSON) into a {@link RelayConfig}: parse into a tree, substitute
 * {@code ${env:NAME}} and {@code ${file:PATH}}, map onto the records with the {@link Defaults}, then run
 * {@link ConfigValidator}. Every problem is collected, each with its path; nothing is thrown for a bad file.
 *
 * <pre>{@code
 * RelayConfig config = new ConfigLoader().load(Path.of("relay.yaml")).orThrow();
 * }</pre>
 */
public final class ConfigLoader {

    /** How the text is written. YAML also reads most JSON, but JSON's own parser gives better errors. */
    public enum Format { YAML, JSON }

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final Function<String, String> env;

    /** A loader that substitutes {@code ${env:NAME}} from the process environment. */
    public ConfigLoader() {
        this(System::getenv);
    }

    /** @param env the environment for {@code ${env:NAME}}: null for a variable that is not set */
    public ConfigLoader(Function<String, String> env) {
        this.env = Objects.requireNonNull(env);
    }

    /** Loads a file: JSON when its name ends in {@code .json}, YAML otherwise. */
    public LoadResult load(Path file) {
        try {
            return parse(readText(file), formatOf(file));
        } catch (ConfigException e) {
            return new LoadResult(null, e.problems());
        }
    }

    /**
     * One top-level section of a file as written: no substitution (see {@link Substitution#value}) and no
     * validation. For a command that needs only that part of the file, on a machine that may lack the secrets
     * of the others (the CLI reads {@code control}). Null when the file has no such section.
     *
     * @throws ConfigException when the file cannot be read or is not valid YAML or JSON
     */
    public static JsonNode readSection(Path file, String name) {
        Format format = formatOf(file);
        try {
            JsonNode root = (format == Format.JSON ? JSON : YAML).readTree(readText(file));
            return root == null ? null : root.get(name);
        } catch (JsonProcessingException e) {
            throw refusal(syntaxError(e, format));
        }
    }

    private static Format formatOf(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? Format.JSON : Format.YAML;
    }

    private static String readText(Path file) {
        try {
            long size = Files.size(file);
            if (size > Defaults.MAX_CONFIG_BYTES) {
                throw refusal(file + " has " + size + " bytes, more than the " + Defaults.MAX_CONFIG_BYTES
                        + " a config file may have");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw refusal("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** Loads from text, as {@link #load(Path)} does from a file. */
    public LoadResult parse(String text, Format format) {
        JsonNode root;
        try {
            root = (format == Format.JSON ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            return refused(syntaxError(e, format));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return refused("the configuration is empty: at least ingest, control and renditions are needed");
        }
        Problems problems = new Problems();
        if (!root.isObject()) {
            problems.error("", "expected a mapping of ingest, control, renditions, targets...; got "
                    + Fields.kind(root));
            return new LoadResult(null, problems.toList());
        }
        hygiene(root, problems);
        new Substitution(env, problems).apply(root, "");
        RelayConfig config = new ConfigReader(problems).read(root);
        problems.addUnlessReported(ConfigValidator.validate(config));
        return new LoadResult(problems.hasErrors() ? null : config, problems.toList());
    }

    /**
     * Warnings about the file as written, before substitution: a secret typed into it (files get copied, shared
     * and committed; {@code ${env:}} and {@code ${file:}} keep secrets out of them), and the example's placeholder
     * URLs left in place.
     */
    private static void hygiene(JsonNode root, Problems problems) {
        literalSecret(root.path("ingest").path("streamKey"), "ingest.streamKey", problems);
        literalSecret(root.path("ingest").path("backup").path("streamKey"), "ingest.backup.streamKey", problems);
        literalSecret(root.path("control").path("token"), "control.token", problems);
        JsonNode targets = root.path("targets");
        for (int i = 0; i < targets.size(); i++) {
            literalSecret(targets.get(i).path("key"), "targets[" + i + "].key", problems);
            String url = targets.get(i).path("url").asText("");
            if (url.contains("-xxx.") || url.contains(".xx.")) {
                problems.warning("targets[" + i + "].url", "still the example's placeholder (" + url + "): use the "
                        + "URL the platform gives for this broadcast");
            }
        }
    }

    private static void literalSecret(JsonNode value, String path, Problems problems) {
        if (value.isTextual() && !value.asText().isEmpty() && !value.asText().startsWith("${")) {
            problems.warning(path, "written into the file: use ${env:NAME} or ${file:PATH} so the secret stays "
                    + "out of files that get copied, shared or committed");
        }
    }

    /** Loads YAML text (JSON text too, mostly: prefer {@link #parse(String, Format)} with JSON for it). */
    public LoadResult parse(String yaml) {
        return parse(yaml, Format.YAML);
    }

    /**
     * Reads a target added at runtime (the control API's request body, or an entry of the state file) and checks
     * it against the running {@code config}: the same keys and rules as a target in the file, paths like
     * {@code targets[id=foo].url}. A target naming no rendition gets the config's first one.
     *
     * <p>No {@code ${env:}} or {@code ${file:}} substitution here, on purpose: an API caller must not be able to
     * read the relay host's environment or files into a URL it controls.
     */
    public static TargetResult readTarget(JsonNode body, RelayConfig config) {
        return readTarget(body, config, config);
    }

    /**
     * As {@link #readTarget(JsonNode, RelayConfig)}; an archive target may only use a directory that {@code file}
     * (the config as loaded from the file) gives an archive target.
     */
    public static TargetResult readTarget(JsonNode body, RelayConfig config, RelayConfig file) {
        Problems problems = new Problems();
        String id = body != null && body.path("id").isTextual() ? body.path("id").asText() : null;
        String first = config.renditions().isEmpty() ? null : config.renditions().keySet().iterator().next();
        TargetConfig target = new TargetReader(problems).read(body, ConfigValidator.runtimePath(id), first,
                config.reconnect());
        problems.addUnlessReported(ConfigValidator.validateNewTarget(config, target, file));
        return new TargetResult(problems.hasErrors() ? null : target, problems.toList());
    }

    /** {@link #readTarget(JsonNode, RelayConfig)} from JSON text. */
    public static TargetResult readTarget(String json, RelayConfig config) {
        return readTarget(json, config, config);
    }

    /** {@link #readTarget(JsonNode, RelayConfig, RelayConfig)} from JSON text. */
    public static TargetResult readTarget(String json, RelayConfig config, RelayConfig file) {
        try {
            return readTarget(JSON.readTree(json), config, file);
        } catch (JsonProcessingException e) {
            return new TargetResult(null, List.of(Problem.error("", syntaxError(e, Format.JSON))));
        }
    }

    private static LoadResult refused(String message) {
        return new LoadResult(null, List.of(Problem.error("", message)));
    }

    private static ConfigException refusal(String message) {
        return new ConfigException(List.of(Problem.error("", message)));
    }

    /**
     * Where the text stops parsing and why. Parser messages quote the text around the error, which could be a
     * key written into the file, so long quoted runs are masked.
     */
    private static String syntaxError(JsonProcessingException e, Format format) {
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        // SnakeYAML knows the real problem and where it is; Jackson reports the context it was parsing instead
        // ("while parsing a block mapping", on the line before).
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m && m.getProblem() != null && m.getProblemMark() != null) {
                reason = m.getProblem() + hint(m.getProblem());
                where = " at line " + (m.getProblemMark().getLine() + 1) + ", column "
                        + (m.getProblemMark().getColumn() + 1);
                break;
            }
        }
        reason = reason.replaceAll("'[^']{4,}'", "'" + Secrets.MASK + "'")
                .replaceAll("\"[^\"]{4,}\"", "\"" + Secrets.MASK + "\"");
        return "not valid " + format + where + ": " + reason;
    }

    /** What usually causes a YAML problem, for people who do not read the YAML spec. */
    private static String hint(String problem) {
        if (problem.contains("TAB") || problem.contains("\\t")) { // SnakeYAML: "found character '\t(TAB)'"
            return " (a tab: YAML indents with spaces only)";
        }
        if (problem.contains("expected <block end>") || problem.contains("mapping values are not allowed")) {
            return "; check the indentation of this line and the one before";
        }
        return "";
    }
}
