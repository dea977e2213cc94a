package dev.castrelay.relay.cli;

import dev.castrelay.config.LoadResult;
import dev.castrelay.relay.Relay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code relay run --config F}: runs in the foreground until SIGINT/SIGTERM, then shuts down cleanly. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the relay in the foreground until SIGINT/SIGTERM.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        LoadResult result = config.load(spec.commandLine().getErr());
        if (result == null || !result.usable()) {
            spec.commandLine().getErr().println("relay: the config has errors; nothing was started");
            return ExitCodes.FAILURE;
        }
        Relay relay = Relay.start(result.config());
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        spec.commandLine().getOut().println("relay running; ingest at rtmp://" + relay.ingestAddress().getHostString()
                + ":" + relay.ingestAddress().getPort() + "/" + result.config().ingest().app()
                + "/<stream key>; Ctrl-C to stop");
        stop.await();
        spec.commandLine().getOut().println("stopping: unpublishing every target");
        relay.close();
        return ExitCodes.OK;
    }
}
