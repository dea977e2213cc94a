package dev.castrelay.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}} and {@code ${file:PATH}} in every string value of a parsed file, so that keys
 * and tokens never need to be written into it. {@code $${} stands for a literal {@code ${}. A file's content
 * loses its trailing line breaks ({@code echo KEY > file} adds one). Relative paths are relative to the working
 * directory. Problems name the variable or file, never a value.
 *
 * <p>The loader applies it to the whole file; {@link #value} and {@link #secretFile} give the same rules and
 * errors to a program that reads one value (the CLI's {@code control.token} and {@code --token-file}).
 */
public final class Substitution {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Function<String, String> env;
    private final Problems problems;

    Substitution(Function<String, String> env, Problems problems) {
        this.env = env;
        this.problems = problems;
    }

    /**
     * One value substituted, as it would be at {@code path} of a config file.
     *
     * @param path the key it comes from, for the message: {@code control.token}
     * @param env  the environment: null for a variable that is not set
     * @throws ConfigException naming {@code path} and the variable or file that failed, never a value
     */
    public static String value(String value, String path, Function<String, String> env) {
        Problems problems = new Problems();
        JsonNode out = new Substitution(env, problems).substitute(value, path);
        return orThrow(out.isNull() ? null : out.textValue(), problems);
    }

    /**
     * A file holding a secret, read as {@code ${file:PATH}} reads it: a regular file of at most
     * {@link Defaults#MAX_SUBSTITUTED_FILE_BYTES}, without its trailing line breaks.
     *
     * @param path where the file was named, for the message: {@code --token-file}
     * @throws ConfigException naming {@code path} and the file, saying why it cannot be used
     */
    public static String secretFile(Path file, String path) {
        Problems problems = new Problems();
        return orThrow(new Substitution(name -> null, problems).readFile(file.toString(), path), problems);
    }

    private static String orThrow(String value, Problems problems) {
        if (value == null) {
            throw new ConfigException(problems.toList()); // every way to null reports why
        }
        return value;
    }

    /** Substitutes in place, below {@code node}. A value that cannot be substituted becomes null (absent). */
    void apply(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String childPath = Problems.child(path, field.getKey());
                if (field.getValue() instanceof TextNode text) {
                    field.setValue(substitute(text.textValue(), childPath));
                } else {
                    apply(field.getValue(), childPath);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = Problems.index(path, i);
                if (array.get(i) instanceof TextNode text) {
                    array.set(i, substitute(text.textValue(), childPath));
                } else {
                    apply(array.get(i), childPath);
                }
            }
        }
    }

    private JsonNode substitute(String value, String path) {
        if (!value.contains("${")) {
            return TextNode.valueOf(value);
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean ok = true;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            if (start > 0 && value.charAt(start - 1) == '$') {
                // "$${" is the escape for a literal "${": keep one '$' (the other was copied already).
                out.append(value, i, start - 1).append("${");
                i = start + 2;
                continue;
            }
            out.append(value, i, start);
            int end = value.indexOf('}', start);
            if (end < 0) {
                problems.error(path, "unclosed \"${\": write ${env:NAME} or ${file:PATH} (\"$${\" for a literal)");
                return NullNode.instance;
            }
            String resolved = resolve(value.substring(start + 2, end), path);
            if (resolved == null) {
                ok = false;
            } else {
                out.append(resolved);
            }
            i = end + 1;
        }
        if (!ok) {
            return NullNode.instance;
        }
        problems.substituted(path);
        return TextNode.valueOf(out.toString());
    }

    /** The value of one {@code ${kind:arg}}, or null after reporting why there is none. */
    private String resolve(String reference, String path) {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            if (!ENV_NAME.matcher(name).matches()) {
                problems.error(path, "\"" + name + "\" is not an environment variable name");
                return null;
            }
            String value = env.apply(name);
            if (value == null) {
                problems.error(path, "environment variable " + name + " is not set");
            }
            return value;
        }
        if (reference.startsWith("file:")) {
            return readFile(reference.substring(5), path);
        }
        int colon = reference.indexOf(':');
        String kind = colon < 0 ? reference : reference.substring(0, colon);
        problems.error(path, "unknown substitution \"${" + kind + ":...}\": use ${env:NAME} or ${file:PATH}");
        return null;
    }

    private String readFile(String name, String path) {
        try {
            Path file = Path.of(name);
            if (!Files.isRegularFile(file)) {
                problems.error(path, "file " + name + " does not exist or is not a regular file");
                return null;
            }
            long size = Files.size(file);
            if (size > Defaults.MAX_SUBSTITUTED_FILE_BYTES) {
                problems.error(path, "file " + name + " has " + size + " bytes, more than the "
                        + Defaults.MAX_SUBSTITUTED_FILE_BYTES + " a key or token file may have");
                return null;
            }
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int end = content.length();
            while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
                end--;
            }
            return content.substring(0, end);
        } catch (InvalidPathException e) {
            problems.error(path, "\"" + name + "\" is not a valid file path");
        } catch (IOException e) {
            // The exception's class says why (AccessDeniedException...); its message is not needed to act.
            problems.error(path, "cannot read file " + name + ": " + e.getClass().getSimpleName());
        }
        return null;
    }
}
