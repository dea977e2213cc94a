package dev.castrelay.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Typed reading of one mapping of the parsed file. Each getter returns the default when the key is absent or
 * null, and reports a problem with the key's path (and returns the default) when the value has the wrong type.
 * Keys that the mapping does not know are reported when it is opened, with the nearest known key as a hint.
 */
final class Fields {

    private final JsonNode node;
    private final String path;
    private final Problems problems;

    private Fields(JsonNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /**
     * Opens {@code node} as a mapping. A missing or null node reads as an empty mapping; anything else that is
     * not a mapping is reported and also reads as empty.
     */
    static Fields open(JsonNode node, String path, Problems problems, String... knownKeys) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new Fields(MissingNode.getInstance(), path, problems);
        }
        if (!node.isObject()) {
            problems.error(path, "expected a mapping of " + String.join(", ", knownKeys) + "; got " + kind(node));
            return new Fields(MissingNode.getInstance(), path, problems);
        }
        List<String> known = Arrays.asList(knownKeys);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.error(Problems.child(path, name), "unknown key" + KeyHint.nearest(name, known));
            }
        }
        return new Fields(node, path, problems);
    }

    String path() {
        return path;
    }

    String path(String key) {
        return Problems.child(path, key);
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    /** The raw node (null when absent or null), for mappings and lists read by the caller. */
    JsonNode node(String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    Fields mapping(String key, String... knownKeys) {
        return open(node(key), path(key), problems, knownKeys);
    }

    String text(String key, String fallback) {
        JsonNode value = node(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode()) {
            problems.error(path(key), "expected a text value; got " + kind(value));
            return fallback;
        }
        return value.asText();
    }

    /** Like {@link #text} but required: an absent value is reported with {@code hint} and reads as null. */
    String requiredText(String key, String hint) {
        String value = text(key, null);
        if (value == null && !problems.failed(path(key))) {
            problems.error(path(key), "required: " + hint);
        }
        return value;
    }

    boolean bool(String key, boolean fallback) {
        JsonNode value = node(key);
        if (value == null) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = value.asText().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.error(path(key), "expected true or false; got " + shown(key, value));
        return fallback;
    }

    long whole(String key, long fallback) {
        JsonNode value = node(key);
        if (value == null) {
            return fallback;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isTextual() && value.asText().trim().matches("-?\\d{1,18}")) {
            return Long.parseLong(value.asText().trim());
        }
        problems.error(path(key), "expected a whole number; got " + shown(key, value));
        return fallback;
    }

    int integer(String key, int fallback) {
        long value = whole(key, fallback);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            problems.error(path(key), "expected a whole number up to " + Integer.MAX_VALUE + "; got " + value);
            return fallback;
        }
        return (int) value;
    }

    /** A required whole number: absent is reported and reads as 0. */
    int requiredInteger(String key, String hint) {
        if (!has(key)) {
            if (!problems.failed(path(key))) {
                problems.error(path(key), "required: " + hint);
            }
            return 0;
        }
        return integer(key, 0);
    }

    double number(String key, double fallback) {
        JsonNode value = node(key);
        if (value == null) {
            return fallback;
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            try {
                return Double.parseDouble(value.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problems.error(path(key), "expected a number; got " + shown(key, value));
        return fallback;
    }

    /** A bitrate ({@code 6000k}, {@code 6M}, {@code 128000}) in bits per second. */
    long bitrate(String key, long fallback) {
        return size(key, fallback, true);
    }

    /** A byte count ({@code 64MiB}, {@code 512k}, {@code 1048576}). */
    long bytes(String key, long fallback) {
        return size(key, fallback, false);
    }

    /** A lower-case name of one of {@code type}'s constants ({@code crop} for {@code CROP}). */
    <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
        String value = text(key, null);
        if (value == null) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        String names = String.join(", ",
                Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        problems.error(path(key), "expected one of " + names + "; got " + shown(key, node(key)));
        return fallback;
    }

    private long size(String key, long fallback, boolean bitrate) {
        JsonNode value = node(key);
        if (value == null) {
            return fallback;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isValueNode()) {
            try {
                return bitrate ? Sizes.parseBitrate(value.asText()) : Sizes.parseBytes(value.asText());
            } catch (IllegalArgumentException e) {
                problems.error(path(key), e.getMessage() + "; got " + shown(key, value));
                return fallback;
            }
        }
        problems.error(path(key), "expected " + (bitrate ? "a bitrate like 6000k" : "a size like 64MiB")
                + "; got " + kind(value));
        return fallback;
    }

    /** The value for a message: quoted, unless it came from a substitution (it may be a secret). */
    private String shown(String key, JsonNode value) {
        if (problems.isSubstituted(path(key))) {
            return "a substituted value";
        }
        return value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
    }

    static String kind(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "true/false";
        }
        return "a text value";
    }
}
