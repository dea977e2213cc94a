package dev.castrelay.relay.cli;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.LoadResult;
import dev.castrelay.config.Problem;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --config} option shared by {@code run} and {@code check}, and how its problems are printed. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "relay.yaml (JSON accepted too)")
    Path file;

    /** Loads and prints every problem; returns the result (its config is null when unusable). */
    LoadResult load(PrintWriter err) {
        if (!Files.isReadable(file)) {
            err.println("relay: cannot read config file " + file);
            return null;
        }
        LoadResult result = new ConfigLoader().load(file);
        for (Problem p : result.problems()) {
            err.println((p.isError() ? "error: " : "warning: ") + p);
        }
        return result;
    }
}
