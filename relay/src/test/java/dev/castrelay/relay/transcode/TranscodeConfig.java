package dev.castrelay.relay.transcode;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.RelayConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML an operator would write for a relay with transcoded renditions, each feeding custom targets; ingest and
 * control on loopback, ports picked by the kernel. Parsed by the real {@link ConfigLoader}, so tests and the benchmark
 * run the config path users run.
 */
public final class TranscodeConfig {

    public static final String APP = "live";

    private final String streamKey;
    private final Map<String, String> renditions = new LinkedHashMap<>();
    private final List<String> targets = new ArrayList<>();
    private String ingestListen = "127.0.0.1:0";
    private String controlListen = "127.0.0.1:0";
    private String srt;
    private String backup;

    private TranscodeConfig(String streamKey) {
        this.streamKey = streamKey;
    }

    /** A relay that accepts publishers presenting {@code streamKey}. */
    public static TranscodeConfig ingestKey(String streamKey) {
        return new TranscodeConfig(streamKey);
    }

    /** Where the ingest listens, e.g. {@code 127.0.0.1:19350}; default a kernel-picked loopback port. */
    public TranscodeConfig ingestListen(String hostPort) {
        this.ingestListen = hostPort;
        return this;
    }

    /** An SRT listener: {@code flow} is the inside of the YAML flow map, e.g. {@code "listen: 127.0.0.1:9000"}. */
    public TranscodeConfig srt(String flow) {
        this.srt = flow;
        return this;
    }

    /** A backup input publishing with {@code key}, switching as {@code failover} (a YAML flow map) says. */
    public TranscodeConfig backup(String key, String failover) {
        this.backup = "  backup: { streamKey: " + key + " }\n  failover: " + failover + "\n";
        return this;
    }

    /** A passthrough rendition: the ingest as it came. */
    public TranscodeConfig passthrough(String id) {
        renditions.put(id, "    passthrough: true\n");
        return this;
    }

    public TranscodeConfig controlListen(String hostPort) {
        this.controlListen = hostPort;
        return this;
    }

    /**
     * A transcoded rendition: {@code video} is the inside of the YAML flow map, e.g.
     * {@code "width: 960, height: 540, fps: 30, bitrate: 1500k, keyframeSeconds: 2, preset: ultrafast"}; audio is
     * AAC 128k, 48 kHz stereo.
     */
    public TranscodeConfig rendition(String id, String video) {
        renditions.put(id, "    video: { codec: h264, " + video + " }\n"
                + "    audio: { codec: aac, bitrate: 128k, sampleRate: 48000, channels: 2 }\n");
        return this;
    }

    /** A custom target {@code id} publishing rendition {@code rendition} to {@code serverUrl} with {@code key}. */
    public TranscodeConfig target(String id, String rendition, String serverUrl, String key) {
        targets.add("  - id: " + id + "\n"
                + "    platform: custom\n"
                + "    url: " + (serverUrl.endsWith("/") ? serverUrl : serverUrl + "/") + "\n"
                + "    key: " + key + "\n"
                + "    rendition: " + rendition + "\n");
        return this;
    }

    /** An archive target {@code id} recording rendition {@code rendition} into {@code dir}. */
    public TranscodeConfig archive(String id, String rendition, java.nio.file.Path dir) {
        targets.add("  - id: " + id + "\n"
                + "    platform: archive\n"
                + "    url: \"" + dir.toUri() + "\"\n"
                + "    rendition: " + rendition + "\n");
        return this;
    }

    public String yaml() {
        StringBuilder y = new StringBuilder()
                .append("ingest:\n")
                .append("  listen: ").append(ingestListen).append('\n')
                .append("  app: ").append(APP).append('\n')
                .append("  streamKey: ").append(streamKey).append('\n');
        if (srt != null) {
            y.append("  srt: { ").append(srt).append(" }\n");
        }
        if (backup != null) {
            y.append(backup);
        }
        y.append("control:\n")
                .append("  listen: ").append(controlListen).append('\n')
                .append("  token: transcode-test-token\n")
                .append("slate:\n")
                .append("  text: \"We'll be right back\"\n")
                .append("  maxSeconds: 600\n")
                .append("renditions:\n");
        renditions.forEach((id, body) -> y.append("  ").append(id).append(":\n").append(body));
        y.append("targets:\n");
        targets.forEach(y::append);
        return y.toString();
    }

    public RelayConfig load() {
        return new ConfigLoader().parse(yaml()).orThrow();
    }
}
