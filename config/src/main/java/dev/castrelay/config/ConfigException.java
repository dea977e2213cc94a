package dev.castrelay.config;

import java.util.List;

/**
 * The configuration layer's one exception: a file or a target that cannot be used, with every problem found.
 * The message lists them one per line and, like the problems, never holds a secret.
 */
public final class ConfigException extends RuntimeException {

    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, warnings included, in the order they were found. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        long errors = problems.stream().filter(Problem::isError).count();
        StringBuilder text = new StringBuilder("configuration refused: ")
                .append(errors).append(errors == 1 ? " error" : " errors");
        for (Problem p : problems) {
            text.append(System.lineSeparator()).append("  ")
                    .append(p.isError() ? "error: " : "warning: ").append(p);
        }
        return text.toString();
    }
}
