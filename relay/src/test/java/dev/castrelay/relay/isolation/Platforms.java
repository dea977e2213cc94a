package dev.castrelay.relay.isolation;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.chunk.ChunkLimits;
import dev.castrelay.targets.PusherSettings;

import java.nio.file.Path;
import java.util.Map;

/** The relay configuration the isolation tests share: one passthrough rendition, custom targets, short timings. */
final class Platforms {

    static final String INGEST_KEY = "ingest-key-7Hq2";
    /** Queue 4 s (degraded past 1 s behind), stall 5 s: the product's 8 s and 10 s, halved. */
    static final String QUEUE = "{ maxMillis: 4000, stallSeconds: 5 }";
    /** Backoff 500 ms doubling to 4 s, 3 rejections to failed; platforms must answer within 5 s. */
    static final PusherSettings SETTINGS = new PusherSettings(4_000, 64L << 20, 5_000, 500, 4_000, 4_000, 60_000, 3,
            new RtmpLimits(ChunkLimits.DEFAULT, 5_000, 30_000));

    private Platforms() {
    }

    /**
     * A config with the given targets, each {@code id -> yaml body lines} (url, key, tls...), all on the
     * passthrough rendition with the short queue.
     */
    static RelayConfig config(Path stateDir, Map<String, String> targets) {
        StringBuilder yaml = new StringBuilder()
                .append("ingest: { listen: 127.0.0.1:0, app: live, streamKey: ").append(INGEST_KEY).append(" }\n")
                .append("control: { listen: 127.0.0.1:0, token: isolation-token-0 }\n")
                .append("stateFile: ").append(stateDir.resolve("relay-state.json")).append('\n')
                .append("renditions:\n  source: { passthrough: true }\n")
                .append("targets:\n");
        targets.forEach((id, body) -> {
            yaml.append("  - id: ").append(id).append('\n')
                    .append("    platform: custom\n")
                    .append("    rendition: source\n")
                    .append("    queue: ").append(QUEUE).append('\n');
            body.lines().forEach(line -> yaml.append("    ").append(line).append('\n'));
        });
        return new ConfigLoader().parse(yaml.toString()).orThrow();
    }

    /** The yaml body of a target publishing to {@code url} with {@code key}. */
    static String target(String url, String key) {
        return "url: " + url + "/\nkey: \"" + key + "\"";
    }

    static String ingestUrl(dev.castrelay.relay.Relay relay) {
        return "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + INGEST_KEY;
    }
}
