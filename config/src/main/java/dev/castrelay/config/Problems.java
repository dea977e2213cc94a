package dev.castrelay.config;

import java.util.ArrayList;
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

    List<Problem> toList() {
        return List.copyOf(list);
    }

    boolean hasErrors() {
        return Problem.anyError(list);
    }

    /** True when reading {@code path} already failed (for instance its substitution). */
    boolean failed(String path) {
        return failedPaths.contains(path);
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
