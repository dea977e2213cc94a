package dev.castrelay.relay.cli;

import dev.castrelay.config.LoadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code relay check --config F}: validates the file and the platform rules; exit 0 when usable. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a config file and the platform rules; print every problem.")
public final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LoadResult result = config.load(spec.commandLine().getOut());
        if (result == null) {
            return ExitCodes.FAILURE;
        }
        var out = spec.commandLine().getOut();
        if (result.usable()) {
            out.println(config.file + ": usable (" + count(result.config().renditions().size(), "rendition") + ", "
                    + count(result.config().targets().size(), "target")
                    + (result.config().alerts().isEmpty() ? ""
                    : ", " + count(result.config().alerts().size(), "alert endpoint"))
                    + (result.warnings().isEmpty() ? "" : ", " + count(result.warnings().size(), "warning")) + ")");
            return ExitCodes.OK;
        }
        out.println(config.file + ": " + count(result.errors().size(), "error") + "; fix "
                + (result.errors().size() == 1 ? "it" : "them") + " and check again");
        return ExitCodes.FAILURE;
    }

    /** "1 error", "2 errors". */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
