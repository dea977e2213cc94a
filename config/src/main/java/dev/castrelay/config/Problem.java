package dev.castrelay.config;

import java.util.List;

/**
 * One thing wrong with a configuration, found by loading or validation.
 *
 * <p>{@code path} names the key the way the file spells it ({@code targets[2].url},
 * {@code renditions.main.video.width}); indexes are zero-based. Messages never hold a secret value.
 *
 * @param severity {@link Severity#ERROR} makes the configuration unusable; a {@link Severity#WARNING} does not
 * @param path     where in the file, or an empty string for the file as a whole
 * @param message  what was expected and what came
 */
public record Problem(Severity severity, String path, String message) {

    /** How bad a problem is. */
    public enum Severity {
        /** The relay refuses to start (or the API refuses the change). */
        ERROR,
        /** Usable, but a platform may complain or the operator probably meant something else. */
        WARNING
    }

    public static Problem error(String path, String message) {
        return new Problem(Severity.ERROR, path, message);
    }

    public static Problem warning(String path, String message) {
        return new Problem(Severity.WARNING, path, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** True when any of {@code problems} is an error. */
    public static boolean anyError(List<Problem> problems) {
        return problems.stream().anyMatch(Problem::isError);
    }

    /** {@code path: message}, e.g. {@code targets[2].url: facebook accepts only rtmps:// URLs}. */
    @Override
    public String toString() {
        return path == null || path.isEmpty() ? message : path + ": " + message;
    }
}
