package dev.castrelay.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each rule of the validation pass, one row each: bend one key of a valid file, expect one error at its path. */
class ValidationTest {

    static Stream<Arguments> oneMistakeEach() {
        return Stream.of(
                row("listen without a port", "ingest:\n", "ingest:\n  listen: 0.0.0.0\n",
                        "ingest.listen", "expected host:port"),
                row("srt passphrase too short", "streamKey: ingest-secret-1",
                        "streamKey: ingest-secret-1\n  srt: { passphrase: short }",
                        "ingest.srt.passphrase", "expected 10 to 79 characters, got 5"),
                row("srt passphrase too long", "streamKey: ingest-secret-1",
                        "streamKey: ingest-secret-1\n  srt: { passphrase: " + "p".repeat(80) + " }",
                        "ingest.srt.passphrase", "expected 10 to 79 characters, got 80"),
                row("srt latency beyond its bounds", "streamKey: ingest-secret-1",
                        "streamKey: ingest-secret-1\n  srt: { latencyMillis: 5 }",
                        "ingest.srt.latencyMillis", "5"),
                row("srt listen without a port", "streamKey: ingest-secret-1",
                        "streamKey: ingest-secret-1\n  srt: { listen: 0.0.0.0 }",
                        "ingest.srt.listen", "expected host:port"),
                row("srt on port 0", "streamKey: ingest-secret-1",
                        "streamKey: ingest-secret-1\n  srt: { listen: 127.0.0.1:0 }",
                        "ingest.srt.listen", "port 0 cannot be used for SRT"),
                row("listen port out of range", "control:\n", "control:\n  listen: 127.0.0.1:70000\n",
                        "control.listen", "out of range 0..65535"),
                row("empty ingest stream key", "streamKey: ingest-secret-1", "streamKey: ''",
                        "ingest.streamKey", "not empty"),
                row("missing control token", "  token: token-secret-2\n", "",
                        "control.token", "required"),
                row("duplicate target ids", "    key: yt-secret-3\n",
                        "    key: yt-secret-3\n  - id: yt\n    url: rtmp://example.com/live/\n",
                        "targets[1].id", "duplicate id \"yt\""),
                row("target rendition that does not exist", "    key: yt-secret-3\n",
                        "    key: yt-secret-3\n    rendition: vertical\n",
                        "targets[0].rendition", "no rendition \"vertical\"; defined: main"),
                row("url with another scheme", "platform: youtube", "platform: youtube\n    url: http://example.com/live",
                        "targets[0].url", "expected an rtmp:// or rtmps:// URL; got http://"),
                row("url without a host", "platform: youtube", "platform: youtube\n    url: rtmp:///live",
                        "targets[0].url", "expected a host"),
                row("platform key missing", "    key: yt-secret-3\n", "",
                        "targets[0].key", "youtube needs a stream key"),
                row("unknown platform", "platform: youtube", "platform: myspace",
                        "targets[0].platform", "unknown platform \"myspace\""),
                row("instagram without its per-broadcast url", "platform: youtube", "platform: instagram",
                        "targets[0].url", "instagram issues a URL per broadcast"),
                row("odd width", "width: 1280", "width: 1281",
                        "renditions.main.video.width", "expected an even number"),
                row("negative height", "height: 720", "height: -720",
                        "renditions.main.video.height", "expected an even number"),
                row("fps below 1", "bitrate: 3000k", "bitrate: 3000k, fps: 0",
                        "renditions.main.video.fps", "expected 1..120"),
                row("zero bitrate", "bitrate: 3000k", "bitrate: 0",
                        "renditions.main.video.bitrate", "positive bitrate"),
                row("zero keyframe interval", "bitrate: 3000k", "bitrate: 3000k, keyframeSeconds: 0",
                        "renditions.main.video.keyframeSeconds", "more than 0"),
                row("unknown fit", "bitrate: 3000k", "bitrate: 3000k, fit: zoom",
                        "renditions.main.video.fit", "expected one of crop, pad, stretch"),
                row("video codec other than h264", "bitrate: 3000k", "bitrate: 3000k, codec: hevc",
                        "renditions.main.video.codec", "only h264"),
                row("audio codec other than aac", "bitrate: 3000k }", "bitrate: 3000k }\n    audio: { codec: opus }",
                        "renditions.main.audio.codec", "only aac"),
                row("passthrough with video settings", "  main:\n", "  main:\n    passthrough: true\n",
                        "renditions.main.video", "a passthrough rendition forwards the ingest untouched"),
                row("transcoded rendition without video", "    video: { width: 1280, height: 720, bitrate: 3000k }\n",
                        "    audio: { bitrate: 96k }\n", "renditions.main.video", "required unless passthrough"),
                row("missing width", "width: 1280, ", "",
                        "renditions.main.video.width", "required"),
                row("missing tls.caFile", "renditions:", "tls: { caFile: /no/such/ca.pem }\nrenditions:",
                        "tls.caFile", "CA file /no/such/ca.pem does not exist"),
                row("missing slate image", "renditions:", "slate: { image: /no/such/slate.png }\nrenditions:",
                        "slate.image", "slate image /no/such/slate.png does not exist"),
                row("target missing tls.caFile", "    key: yt-secret-3\n",
                        "    key: yt-secret-3\n    tls: { caFile: /no/ca.pem }\n",
                        "targets[0].tls.caFile", "does not exist"),
                row("no renditions at all", "renditions:\n  main:\n    video: { width: 1280, height: 720, bitrate: 3000k }\n",
                        "", "renditions", "at least one rendition"),
                row("key with a line break", "    key: yt-secret-3\n", "    key: \"yt-secret-3\\r\"\n",
                        "targets[0].key", "space or a line break"));
    }

    private static Arguments row(String name, String from, String to, String path, String message) {
        return arguments(name, Yaml.minimalWith(from, to), path, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneMistakeEach")
    void mistakeIsReportedAtItsPath(String name, String yaml, String path, String message) {
        LoadResult result = Yaml.load(yaml);

        assertThat(result.config()).isNull();
        assertThat(result.errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(message);
        });
    }
}
