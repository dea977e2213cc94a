package dev.castrelay.relay.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE}
 * lines, samples {@code name{label="value",...} value [timestamp]} with escaped label values. Anything off the
 * format (a sample before its TYPE, an unknown type, a bad name, an unescaped quote, a duplicate series, a
 * value that is not a float) is an {@link IllegalArgumentException} naming the line.
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {

        /** The one sample whose labels include {@code labels}. */
        Sample sample(Map<String, String> labels) {
            List<Sample> found = samples.stream()
                    .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
            if (found.size() != 1) {
                throw new AssertionError(found.size() + " samples of " + name + " match " + labels);
            }
            return found.get(0);
        }
    }

    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> SUFFIXES = List.of("", "_total", "_sum", "_count", "_bucket", "_created",
            "_max");

    private PrometheusText() {
    }

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        Set<String> series = new java.util.HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "'";
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                requireName(parts[0], where);
                if (line.startsWith("# TYPE ")) {
                    if (parts.length != 2 || !TYPES.contains(parts[1])) {
                        throw new IllegalArgumentException(where + ": unknown type");
                    }
                    if (types.put(parts[0], parts[1]) != null || samples.containsKey(parts[0])) {
                        throw new IllegalArgumentException(where + ": TYPE repeated or after samples");
                    }
                    samples.put(parts[0], new ArrayList<>());
                } else {
                    helps.put(parts[0], parts.length > 1 ? unescapeHelp(parts[1], where) : "");
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue; // a comment
            }
            Sample s = sample(line, where);
            String family = familyOf(s.name(), types);
            if (family == null) {
                throw new IllegalArgumentException(where + ": sample without a TYPE before it");
            }
            if (!series.add(s.name() + s.labels())) {
                throw new IllegalArgumentException(where + ": duplicate series");
            }
            samples.get(family).add(s);
        }
        Map<String, Family> families = new LinkedHashMap<>();
        types.forEach((name, type) -> families.put(name,
                new Family(name, type, helps.get(name), List.copyOf(samples.get(name)))));
        return families;
    }

    private static String familyOf(String sample, Map<String, String> types) {
        for (String suffix : SUFFIXES) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        requireName(name, where);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw new IllegalArgumentException(where + ": label without '='");
                }
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches() || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException(where + ": bad label '" + label + "'");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; ; j++) {
                    if (j >= line.length()) {
                        throw new IllegalArgumentException(where + ": unterminated label value");
                    }
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(switch (next) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException(where + ": bad escape \\" + next);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException(where + ": label '" + label + "' repeated");
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                } else if (line.charAt(i) != '}') {
                    throw new IllegalArgumentException(where + ": expected ',' or '}'");
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException(where + ": expected a space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException(where + ": expected a value and an optional timestamp");
        }
        double value = switch (rest[0]) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(rest[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": value '" + rest[0] + "' is not a float");
                }
            }
        };
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": timestamp '" + rest[1] + "' is not an integer");
            }
        }
        return new Sample(name, Map.copyOf(labels), value);
    }

    private static void requireName(String name, String where) {
        if (!METRIC.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": bad metric name '" + name + "'");
        }
    }

    private static String unescapeHelp(String help, String where) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') {
                char next = i + 1 < help.length() ? help.charAt(++i) : ' ';
                if (next == 'n') {
                    sb.append('\n');
                } else if (next == '\\') {
                    sb.append('\\');
                } else {
                    throw new IllegalArgumentException(where + ": bad escape in HELP");
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
