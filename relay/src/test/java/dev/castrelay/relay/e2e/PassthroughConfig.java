package dev.castrelay.relay.e2e;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.RelayConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The YAML an operator would write for a relay with one passthrough rendition, {@code source}, and a custom target
 * per server URL; ingest and control on loopback, the ingest on a port the kernel picks. Parsed by the real
 * {@link ConfigLoader}, so the tests run the config path users run.
 */
final class PassthroughConfig {

    static final String APP = "live";
    static final String TOKEN = "e2e-control-token";

    private final String streamKey;
    private final List<Target> targets = new ArrayList<>();
    private final List<String> limits = new ArrayList<>();
    private String stateFile;
    private String backupKey;
    private String failover;
    private String archive;

    private record Target(String serverUrl, String key) {
    }

    private PassthroughConfig(String streamKey) {
        this.streamKey = streamKey;
    }

    /** A relay that accepts publishers presenting {@code streamKey}. */
    static PassthroughConfig ingestKey(String streamKey) {
        return new PassthroughConfig(streamKey);
    }

    /**
     * A custom target publishing to {@code serverUrl} ({@code rtmp://HOST:PORT/APP}) with stream key {@code key};
     * its id is {@code target<N>}, N counting from 1.
     */
    PassthroughConfig target(String serverUrl, String key) {
        targets.add(new Target(serverUrl.endsWith("/") ? serverUrl : serverUrl + "/", key));
        return this;
    }

    /** A backup input publishing with {@code key}, switching as {@code failover} says (a YAML flow mapping). */
    PassthroughConfig backup(String key, String failover) {
        this.backupKey = key;
        this.failover = failover;
        return this;
    }

    /**
     * An archive target {@code archive} recording the passthrough rendition into {@code dir}, with
     * {@code settings} (a YAML flow-mapping body such as {@code "segmentMinutes: 0.05, minFreeMB: 0"}).
     */
    PassthroughConfig archive(java.nio.file.Path dir, String settings) {
        this.archive = "  - { id: archive, platform: archive, url: \"" + dir.toUri() + "\", rendition: source"
                + (settings.isEmpty() ? "" : ", " + settings) + " }\n";
        return this;
    }

    /** Where runtime changes persist (for a relay started with its control API). */
    PassthroughConfig stateFile(java.nio.file.Path file) {
        this.stateFile = file.toString();
        return this;
    }

    /** An {@code ingest.limits} entry, e.g. {@code limit("handshakeTimeoutMs", "1500")}. */
    PassthroughConfig limit(String key, String value) {
        limits.add(key + ": " + value);
        return this;
    }

    String yaml() {
        StringBuilder y = new StringBuilder()
                .append("ingest:\n")
                .append("  listen: 127.0.0.1:0\n")
                .append("  app: ").append(APP).append('\n')
                .append("  streamKey: ").append(streamKey).append('\n');
        if (backupKey != null) {
            y.append("  backup: { streamKey: ").append(backupKey).append(" }\n")
                    .append("  failover: ").append(failover).append('\n');
        }
        if (!limits.isEmpty()) {
            y.append("  limits: { ").append(String.join(", ", limits)).append(" }\n");
        }
        if (stateFile != null) {
            y.append("stateFile: ").append(stateFile).append('\n');
        }
        y.append("control:\n")
                .append("  listen: 127.0.0.1:0\n")
                .append("  token: ").append(TOKEN).append('\n')
                .append("renditions:\n")
                .append("  source: { passthrough: true }\n")
                .append("targets:\n");
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            y.append("  - id: ").append(targetId(i + 1)).append('\n')
                    .append("    platform: custom\n")
                    .append("    url: ").append(t.serverUrl()).append('\n')
                    .append("    key: ").append(t.key()).append('\n')
                    .append("    rendition: source\n");
        }
        if (archive != null) {
            y.append(archive);
        }
        return y.toString();
    }

    RelayConfig load() {
        return new ConfigLoader().parse(yaml()).orThrow();
    }

    static String targetId(int n) {
        return "target" + n;
    }
}
