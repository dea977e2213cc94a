package dev.castrelay.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Maps one entry of {@code targets} (from the file, or a body posted to the control API) onto a {@link TargetConfig}. */
final class TargetReader {

    static final String[] KEYS = {"id", "platform", "url", "key", "rendition", "enabled", "tls", "queue", "reconnect",
            "segmentMinutes", "minFreeMB"};
    static final String[] RECONNECT_KEYS = {"maxSeconds", "refusedMaxSeconds", "maxRefusals"};

    private final Problems problems;

    TargetReader(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param defaultRendition the rendition of a target that names none: the first one of the file
     * @param relayReconnect   the relay's {@code reconnect}, for the keys a target's own one leaves out
     */
    TargetConfig read(JsonNode node, String path, String defaultRendition, ReconnectConfig relayReconnect) {
        Fields f = Fields.open(node, path, problems, KEYS);
        String url = f.text("url", null);
        Platform platform = platform(f, url != null);
        if (url == null && platform != null) {
            url = platform.defaultUrl();
        }
        TlsConfig tls = f.has("tls") ? new TlsConfig(f.mapping("tls", "caFile").text("caFile", null)) : null;
        Fields q = f.mapping("queue", "maxMillis", "maxBytes", "stallSeconds");
        QueueConfig queue = new QueueConfig(q.whole("maxMillis", Defaults.QUEUE_MAX_MILLIS),
                q.bytes("maxBytes", Defaults.QUEUE_MAX_BYTES), q.integer("stallSeconds", Defaults.QUEUE_STALL_SECONDS));
        ReconnectConfig reconnect = f.has("reconnect") ? reconnect(f.mapping("reconnect", RECONNECT_KEYS),
                relayReconnect) : null;
        ArchiveConfig archive = null;
        if (platform == Platform.ARCHIVE) {
            archive = new ArchiveConfig(f.number("segmentMinutes", Defaults.ARCHIVE_SEGMENT_MINUTES),
                    f.whole("minFreeMB", Defaults.ARCHIVE_MIN_FREE_MB));
        } else if (platform != null) {
            for (String key : new String[] {"segmentMinutes", "minFreeMB"}) {
                if (f.has(key)) {
                    problems.error(f.path(key), "only an archive target (platform: archive) has " + key);
                }
            }
        }
        return new TargetConfig(f.text("id", null), platform, url, f.text("key", null),
                f.text("rendition", defaultRendition), f.bool("enabled", Defaults.TARGET_ENABLED), tls, queue,
                reconnect, archive);
    }

    /** A {@code reconnect} mapping, its absent keys from {@code fallback}. */
    static ReconnectConfig reconnect(Fields r, ReconnectConfig fallback) {
        return new ReconnectConfig(r.integer("maxSeconds", fallback.maxSeconds()),
                r.integer("refusedMaxSeconds", fallback.refusedMaxSeconds()),
                r.integer("maxRefusals", fallback.maxRefusals()));
    }

    /** The platform named, {@code custom} when only a URL is given, null (reported) when it cannot be known. */
    private Platform platform(Fields f, boolean hasUrl) {
        String name = f.text("platform", null);
        if (name == null) {
            if (!hasUrl && !problems.failed(f.path("platform")) && !problems.failed(f.path("url"))) {
                problems.error(f.path("platform"), "required when no url is given: one of " + names());
            }
            return hasUrl ? Platform.CUSTOM : null;
        }
        Platform platform = Platform.fromId(name);
        if (platform == null) {
            problems.error(f.path("platform"), "unknown platform \"" + name + "\"; expected one of " + names());
        }
        return platform;
    }

    static String names() {
        return Arrays.stream(Platform.values())
                .map(p -> p == Platform.TWITTER ? "twitter (x)" : p.id())
                .collect(Collectors.joining(", "));
    }
}
