package dev.castrelay.relay.control;

import dev.castrelay.config.RelayConfig;
import dev.castrelay.relay.Relay;
import dev.castrelay.targets.PusherSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The relay as {@code relay run} runs it: the config's targets with the state file applied, the relay itself,
 * and the control API. Closing it closes the API, saves the state if a change was not saved yet, and unpublishes
 * every target.
 */
public final class RelayService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayService.class);

    private final Relay relay;
    private final RuntimeTargets targets;
    private final ControlServer control;
    private boolean closed;

    private RelayService(Relay relay, RuntimeTargets targets, ControlServer control) {
        this.relay = relay;
        this.targets = targets;
        this.control = control;
    }

    /**
     * Starts everything; {@code config} must be valid.
     *
     * @throws ControlException when the state file is refused (nothing is started) or the API cannot start (the
     *                          relay is stopped again)
     */
    public static RelayService start(RelayConfig config, PusherSettings settings) throws InterruptedException {
        StateFile stateFile = new StateFile(Path.of(config.stateFile()));
        StateFile.Resolved resolved = stateFile.resolve(config);
        Relay relay = Relay.start(config.withTargets(resolved.targets()), settings);
        try {
            RuntimeTargets targets = new RuntimeTargets(config, relay.targets(), relay.inputs(), stateFile, resolved);
            return new RelayService(relay, targets, ControlServer.start(config.control(), relay, targets));
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    public static RelayService start(RelayConfig config) throws InterruptedException {
        return start(config, Relay.settingsFor(config));
    }

    public Relay relay() {
        return relay;
    }

    public RuntimeTargets targets() {
        return targets;
    }

    public ControlServer control() {
        return control;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        control.close();
        try {
            targets.flush();
        } catch (IOException e) {
            log.error("could not save the targets to {} ({}): the last runtime change is lost",
                    targets.stateFile().path(), e.getClass().getSimpleName());
        }
        relay.close();
    }
}
