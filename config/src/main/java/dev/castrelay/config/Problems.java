package dev.castrelay.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects problems during one load. Remembers which paths already failed to read, so that the validation pass
 * that follows does not report the same key twice (a width that was not a number is not also "not positive"),
 * and which values came from a substitution, so that no message echoes them.
 */
final class Problems {

    private final List<Problem> list = new ArrayList<>();
    private final Set<String> failedPaths = new HashSet<>();
    private final Set<String> substitutedPaths = new HashSet<>();

    void error(String path, String message) {
        list.add(Problem.error(path, message));
        failedPaths.add(path);
    }

    void warning(String path, String message) {
        list.add(Problem.warning(path, message));
    }

    void substituted(String path) {
        substitutedPaths.add(path);
    }

    boolean isSubstituted(String path) {
        return substitutedPaths.contains(path);
    }

    /** Adds validation problems, leaving out those about a key (or a key inside it) that already failed to read. */
    void addUnlessReported(List<Problem> problems) {
        for (Problem p : problems) {
            if (!alreadyFailed(p.path())) {
                list.add(p);
            }
        }
    }

    /**
     * The problems in the order of the file's sections, each target's together: substitution, reading and
     * validation each find problems everywhere, and a reader wants them by place, not by pass.
     */
    List<Problem> toList() {
        List<Problem> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingInt((Problem p) -> section(p.path())).thenComparingInt(p -> index(p.path())));
        return List.copyOf(sorted);
    }

    private static final List<String> SECTIONS =
            List.of("", "ingest", "control", "stateFile", "slate", "tls", "renditions", "targets");

    private static int section(String path) {
        int end = 0;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
            end++;
        }
        int rank = SECTIONS.indexOf(path.substring(0, end));
        return rank < 0 ? SECTIONS.size() : rank;
    }

    /** The list index right after the section name ({@code targets[3]} -> 3), else -1. */
    private static int index(String path) {
        int open = path.indexOf('[');
        int close = path.indexOf(']');
        if (open < 0 || close < open || path.lastIndexOf('.', open) >= 0) {
            return -1;
        }
        String inside = path.substring(open + 1, close);
        return inside.chars().allMatch(Character::isDigit) && !inside.isEmpty() && inside.length() < 9
                ? Integer.parseInt(inside) : -1;
    }

    boolean hasErrors() {
        return Problem.anyError(list);
    }

    /** True when reading {@code path}, or a mapping or list holding it, already failed. */
    boolean failed(String path) {
        return alreadyFailed(path);
    }

    private boolean alreadyFailed(String path) {
        for (String failed : failedPaths) {
            if (path.equals(failed) || path.startsWith(failed + ".") || path.startsWith(failed + "[")) {
                return true;
            }
        }
        return false;
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }
}
