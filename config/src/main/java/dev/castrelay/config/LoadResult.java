package dev.castrelay.config;

import java.util.List;

/**
 * What loading a configuration gave: the config when it is usable, and every problem found either way.
 *
 * @param config   null when any problem is an error
 * @param problems errors and warnings, by section of the file and by target
 */
public record LoadResult(RelayConfig config, List<Problem> problems) {

    public LoadResult {
        problems = List.copyOf(problems);
    }

    /** True when there is no error (warnings allowed): the relay may start. */
    public boolean usable() {
        return config != null;
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** The config, or a {@link ConfigException} listing every problem. */
    public RelayConfig orThrow() {
        if (config == null) {
            throw new ConfigException(problems);
        }
        return config;
    }
}
