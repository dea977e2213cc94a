package dev.castrelay.config;

import java.util.List;

/**
 * What reading a target added at runtime gave (the control API's {@code POST /api/v1/targets}).
 *
 * @param target   null when any problem is an error
 * @param problems errors and warnings; paths look like {@code targets[id=foo].url}
 */
public record TargetResult(TargetConfig target, List<Problem> problems) {

    public TargetResult {
        problems = List.copyOf(problems);
    }

    public boolean usable() {
        return target != null;
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    /** The target, or a {@link ConfigException} listing every problem. */
    public TargetConfig orThrow() {
        if (target == null) {
            throw new ConfigException(problems);
        }
        return target;
    }
}
