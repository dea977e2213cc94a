package dev.castrelay.relay.control;

import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.ingest.InputSelector;
import dev.castrelay.relay.TargetRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Runtime changes to the targets and the operator's pin of the ingest input: each takes effect at once on the
 * {@link TargetRegistry} (touching no other target) or the {@link InputSelector}, and is then written to the
 * {@link StateFile} before the caller answers. Synchronized: one change at a
 * time, so the file always matches the registry after a call returns.
 */
public final class RuntimeTargets {

    private static final Logger log = LoggerFactory.getLogger(RuntimeTargets.class);

    private final RelayConfig config;
    private final TargetRegistry registry;
    private final StateFile stateFile;
    private final InputSelector inputs;
    // Guarded by this.
    private final Set<String> addedAtRuntime = new LinkedHashSet<>();
    private final Set<String> removedFromConfig = new LinkedHashSet<>();
    private InputRole inputPin;
    private boolean unsaved;

    /**
     * @param config   the relay's config as loaded (its targets are "the config's targets")
     * @param resolved what the relay started with, from {@link StateFile#resolve}
     */
    public RuntimeTargets(RelayConfig config, TargetRegistry registry, InputSelector inputs, StateFile stateFile,
                          StateFile.Resolved resolved) {
        this.config = config;
        this.registry = registry;
        this.inputs = inputs;
        this.stateFile = stateFile;
        for (TargetConfig t : resolved.targets()) {
            if (!resolved.fromConfig().contains(t.id())) {
                addedAtRuntime.add(t.id());
            }
        }
        removedFromConfig.addAll(resolved.removedFromConfig());
        if (resolved.inputPin() != null) {
            try {
                inputs.use(resolved.inputPin());
                inputPin = resolved.inputPin();
            } catch (IllegalArgumentException e) {
                log.warn("the saved pin to the {} input is dropped: {}", resolved.inputPin().id(), e.getMessage());
            }
        }
    }

    /**
     * Pins the program to {@code role}, or (null) returns to automatic failover, and saves it.
     *
     * @throws IllegalArgumentException when there is no such input
     */
    public synchronized void useInput(InputRole role) throws IOException {
        inputs.use(role);
        inputPin = role;
        save();
    }

    /** The running config with the current targets: what a new target is validated against. */
    public synchronized RelayConfig current() {
        return config.withTargets(registry.configs());
    }

    /** The config as loaded from the file: whose archive directories a runtime archive target may use. */
    public RelayConfig fileConfig() {
        return config;
    }

    public synchronized void add(TargetConfig target) throws IOException {
        registry.add(target);
        addedAtRuntime.add(target.id());
        removedFromConfig.remove(target.id());
        log.info("target {} added ({}, {})", target.id(), target.platform().id(), target.maskedUrl());
        save();
    }

    public synchronized void remove(String id) throws IOException {
        registry.remove(id);
        addedAtRuntime.remove(id);
        if (config.target(id).isPresent()) {
            removedFromConfig.add(id);
        }
        log.info("target {} removed", id);
        save();
    }

    public synchronized void setEnabled(String id, boolean enabled) throws IOException {
        registry.setEnabled(id, enabled);
        log.info("target {} {}", id, enabled ? "enabled" : "disabled");
        save();
    }

    public synchronized void restart(String id) {
        registry.restart(id);
        log.info("target {} restart requested", id);
    }

    /** Writes the state again if a change could not be saved (at shutdown). */
    public synchronized void flush() throws IOException {
        if (unsaved) {
            save();
        }
    }

    private void save() throws IOException {
        unsaved = true;
        stateFile.save(registry.configs(), addedAtRuntime, removedFromConfig, inputPin);
        unsaved = false;
    }

    public StateFile stateFile() {
        return stateFile;
    }
}
