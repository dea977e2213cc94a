package dev.castrelay.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the parsed (and substituted) tree of {@code relay.yaml} onto the records, filling defaults from
 * {@link Defaults}. Reports unknown keys and wrong types with their paths; value ranges and cross references
 * are left to {@link ConfigValidator}, which also serves configs built in code.
 */
final class ConfigReader {

    private final Problems problems;

    ConfigReader(Problems problems) {
        this.problems = problems;
    }

    RelayConfig read(JsonNode root) {
        Fields top = Fields.open(root, "", problems,
                "ingest", "control", "stateFile", "slate", "tls", "renditions", "targets", "reconnect", "alerts");
        IngestConfig ingest = ingest(top.mapping("ingest", "listen", "app", "streamKey", "limits", "backup",
                "failover", "srt"));
        ControlConfig control = control(top.mapping("control", "listen", "token", "publicMetrics"));
        String stateFile = top.text("stateFile", Defaults.STATE_FILE);
        SlateConfig slate = slate(top.mapping("slate", "image", "text", "maxSeconds", "audioVisual"));
        TlsConfig tls = new TlsConfig(top.mapping("tls", "caFile").text("caFile", null));
        Map<String, RenditionConfig> renditions = renditions(top.node("renditions"), top.path("renditions"));
        ReconnectConfig reconnect = TargetReader.reconnect(top.mapping("reconnect", TargetReader.RECONNECT_KEYS),
                Defaults.reconnect());
        List<TargetConfig> targets = targets(top.node("targets"), top.path("targets"), renditions, reconnect);
        List<AlertConfig> alerts = alerts(top.node("alerts"), top.path("alerts"));
        return new RelayConfig(ingest, control, stateFile, slate, tls, renditions, targets, reconnect, alerts);
    }

    private List<AlertConfig> alerts(JsonNode node, String path) {
        List<AlertConfig> alerts = new ArrayList<>();
        if (node == null) {
            return alerts;
        }
        if (!node.isArray()) {
            problems.error(path, "expected a list of endpoints, e.g. - url: ${env:ALERT_WEBHOOK}; got "
                    + Fields.kind(node));
            return alerts;
        }
        for (int i = 0; i < node.size(); i++) {
            Fields f = Fields.open(node.get(i), Problems.index(path, i), problems, "url", "format", "downSeconds",
                    "tls");
            String url = f.requiredText("url", "the endpoint that receives a POST per alert, "
                    + "e.g. url: ${env:ALERT_WEBHOOK}");
            TlsConfig tls = f.has("tls") ? new TlsConfig(f.mapping("tls", "caFile").text("caFile", null)) : null;
            alerts.add(new AlertConfig(url, f.choice("format", Defaults.ALERT_FORMAT, AlertFormat.class),
                    f.integer("downSeconds", Defaults.ALERT_DOWN_SECONDS), tls));
        }
        return alerts;
    }

    private IngestConfig ingest(Fields f) {
        String streamKey = f.requiredText("streamKey",
                "the key encoders must present, e.g. streamKey: ${env:RELAY_INGEST_KEY}");
        Fields l = f.mapping("limits",
                "maxChunkSize", "maxMessageSize", "maxChunkStreams", "handshakeTimeoutMs", "idleTimeoutMs",
                "readIntervalMs", "readBufferBytes", "receiveBufferBytes", "maxBufferedBytes", "commandBufferedBytes",
                "publishTimeoutMs", "maxUnauthenticated", "maxUnauthenticatedPerAddress");
        RtmpLimitsConfig limits = new RtmpLimitsConfig(
                (int) Math.min(Integer.MAX_VALUE, l.bytes("maxChunkSize", Defaults.RTMP_MAX_CHUNK_SIZE)),
                (int) Math.min(Integer.MAX_VALUE, l.bytes("maxMessageSize", Defaults.RTMP_MAX_MESSAGE_SIZE)),
                l.integer("maxChunkStreams", Defaults.RTMP_MAX_CHUNK_STREAMS),
                l.whole("handshakeTimeoutMs", Defaults.RTMP_HANDSHAKE_TIMEOUT_MS),
                l.whole("idleTimeoutMs", Defaults.RTMP_IDLE_TIMEOUT_MS),
                l.whole("readIntervalMs", Defaults.INGEST_READ_INTERVAL_MS),
                (int) Math.min(Integer.MAX_VALUE, l.bytes("readBufferBytes", Defaults.INGEST_READ_BUFFER_BYTES)),
                (int) Math.min(Integer.MAX_VALUE, l.bytes("receiveBufferBytes", Defaults.INGEST_RECEIVE_BUFFER_BYTES)),
                (int) Math.min(Integer.MAX_VALUE, l.bytes("maxBufferedBytes", Defaults.RTMP_MAX_BUFFERED_BYTES)),
                (int) Math.min(Integer.MAX_VALUE, l.bytes("commandBufferedBytes", Defaults.RTMP_COMMAND_BUFFERED_BYTES)),
                l.whole("publishTimeoutMs", Defaults.INGEST_PUBLISH_TIMEOUT_MS),
                l.integer("maxUnauthenticated", Defaults.INGEST_MAX_UNAUTHENTICATED),
                l.integer("maxUnauthenticatedPerAddress", Defaults.INGEST_MAX_UNAUTHENTICATED_PER_ADDRESS));
        String backupKey = f.has("backup") ? f.mapping("backup", "streamKey").requiredText("streamKey",
                "the backup encoder's key, e.g. streamKey: ${env:RELAY_BACKUP_KEY}") : null;
        Fields fo = f.mapping("failover", "lossMillis", "returnAfterSeconds");
        FailoverConfig failover = new FailoverConfig(fo.whole("lossMillis", Defaults.FAILOVER_LOSS_MILLIS),
                fo.integer("returnAfterSeconds", Defaults.FAILOVER_RETURN_AFTER_SECONDS));
        SrtConfig srt = null;
        if (f.has("srt")) {
            Fields s = f.mapping("srt", "listen", "latencyMillis", "passphrase");
            srt = new SrtConfig(s.text("listen", Defaults.SRT_LISTEN),
                    s.whole("latencyMillis", Defaults.SRT_LATENCY_MILLIS), s.text("passphrase", null));
        }
        return new IngestConfig(f.text("listen", Defaults.INGEST_LISTEN), f.text("app", Defaults.INGEST_APP),
                streamKey, limits, backupKey, failover, srt);
    }

    private ControlConfig control(Fields f) {
        String token = f.requiredText("token", "the API's bearer token, e.g. token: ${env:RELAY_TOKEN}");
        return new ControlConfig(f.text("listen", Defaults.CONTROL_LISTEN), token,
                f.bool("publicMetrics", Defaults.CONTROL_PUBLIC_METRICS));
    }

    private SlateConfig slate(Fields f) {
        return new SlateConfig(f.text("image", null), f.text("text", Defaults.SLATE_TEXT),
                f.integer("maxSeconds", Defaults.SLATE_MAX_SECONDS),
                f.choice("audioVisual", Defaults.SLATE_AUDIO_VISUAL, AudioVisual.class));
    }

    private Map<String, RenditionConfig> renditions(JsonNode node, String path) {
        Map<String, RenditionConfig> renditions = new LinkedHashMap<>();
        if (node == null) {
            return renditions;
        }
        if (!node.isObject()) {
            problems.error(path, "expected a mapping of rendition ids to settings; got " + Fields.kind(node));
            return renditions;
        }
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String id = entry.getKey();
            renditions.put(id, rendition(id, Fields.open(entry.getValue(), Problems.child(path, id), problems,
                    "passthrough", "video", "audio")));
        }
        return renditions;
    }

    private RenditionConfig rendition(String id, Fields f) {
        boolean passthrough = f.bool("passthrough", false);
        VideoConfig video = f.has("video") ? video(f.mapping("video", "codec", "width", "height", "fit", "fps",
                "bitrate", "keyframeSeconds", "preset", "profile")) : null;
        AudioConfig audio;
        if (f.has("audio")) {
            audio = audio(f.mapping("audio", "codec", "bitrate", "sampleRate", "channels"));
        } else {
            // A passthrough rendition carries the ingest's audio; a transcoded one gets the default AAC.
            audio = passthrough ? null : Defaults.audio();
        }
        return new RenditionConfig(id, passthrough, video, audio);
    }

    private VideoConfig video(Fields f) {
        return new VideoConfig(
                f.text("codec", Defaults.VIDEO_CODEC),
                f.requiredInteger("width", "the frame width in pixels, e.g. 1920"),
                f.requiredInteger("height", "the frame height in pixels, e.g. 1080"),
                f.choice("fit", Defaults.VIDEO_FIT, Fit.class),
                f.number("fps", Defaults.VIDEO_FPS),
                requiredBitrate(f),
                f.number("keyframeSeconds", Defaults.VIDEO_KEYFRAME_SECONDS),
                f.text("preset", Defaults.VIDEO_PRESET),
                f.text("profile", Defaults.VIDEO_PROFILE));
    }

    private long requiredBitrate(Fields f) {
        if (!f.has("bitrate")) {
            if (!problems.failed(f.path("bitrate"))) {
                problems.error(f.path("bitrate"), "required: the video bitrate, e.g. 6000k");
            }
            return 0;
        }
        return f.bitrate("bitrate", 0);
    }

    private AudioConfig audio(Fields f) {
        return new AudioConfig(f.text("codec", Defaults.AUDIO_CODEC), f.bitrate("bitrate", Defaults.AUDIO_BITRATE),
                f.integer("sampleRate", Defaults.AUDIO_SAMPLE_RATE), f.integer("channels", Defaults.AUDIO_CHANNELS));
    }

    private List<TargetConfig> targets(JsonNode node, String path, Map<String, RenditionConfig> renditions,
                                       ReconnectConfig reconnect) {
        List<TargetConfig> targets = new ArrayList<>();
        if (node == null) {
            return targets;
        }
        if (!node.isArray()) {
            problems.error(path, "expected a list of targets; got " + Fields.kind(node));
            return targets;
        }
        String firstRendition = renditions.isEmpty() ? null : renditions.keySet().iterator().next();
        TargetReader reader = new TargetReader(problems);
        for (int i = 0; i < node.size(); i++) {
            targets.add(reader.read(node.get(i), Problems.index(path, i), firstRendition, reconnect));
        }
        return targets;
    }
}
