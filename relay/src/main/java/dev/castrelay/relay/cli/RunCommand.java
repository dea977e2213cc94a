package dev.castrelay.relay.cli;

import dev.castrelay.config.LoadResult;
import dev.castrelay.ingest.IngestException;
import dev.castrelay.relay.control.ControlException;
import dev.castrelay.relay.control.RelayService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code relay run --config F}: runs the relay and its control API in the foreground until SIGINT/SIGTERM, then
 * shuts down cleanly: the API closes, the state is saved, every target unpublishes.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the relay in the foreground until SIGINT/SIGTERM.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadResult result = config.load(err);
        if (result == null || !result.usable()) {
            err.println("relay: the config has errors; nothing was started");
            return ExitCodes.FAILURE;
        }
        RelayService service;
        try {
            service = RelayService.start(result.config());
        } catch (ControlException | IngestException e) {
            err.println("relay: " + e.getMessage() + "; nothing was started");
            return ExitCodes.FAILURE;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        var ingest = service.relay().ingestAddress();
        out.println("relay running; ingest at rtmp://" + ingest.getHostString() + ":" + ingest.getPort() + "/"
                + result.config().ingest().app() + "/<stream key>; control API at " + service.control().url()
                + "; Ctrl-C to stop");
        out.flush();
        stop.await();
        out.println("stopping: unpublishing every target");
        out.flush();
        service.close();
        out.println("stopped");
        out.flush();
        return ExitCodes.OK;
    }
}
