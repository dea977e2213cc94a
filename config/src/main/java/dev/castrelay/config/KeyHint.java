package dev.castrelay.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" for unknown keys: most are typos or a wrong case of a known key. */
final class KeyHint {

    private KeyHint() {
    }

    /** {@code " (did you mean 'bitrate'?)"} when a known key is within two edits, else a list of the known keys. */
    static String nearest(String unknown, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best != null) {
            return " (did you mean '" + best + "'?)";
        }
        return " (known keys: " + String.join(", ", known) + ")";
    }

    /** Levenshtein distance; keys are short, so the quadratic table is fine. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
