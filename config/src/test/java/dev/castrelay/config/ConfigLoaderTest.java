package dev.castrelay.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static final Map<String, String> ENV = Map.of(
            "RELAY_INGEST_KEY", "ingest-key", "RELAY_BACKUP_KEY", "backup-key", "RELAY_TOKEN", "api-token",
            "RELAY_SRT_PASSPHRASE", "srt-passphrase-1",
            "YT_KEY", "yt-key", "IG_KEY", "ig-key?sig=abc", "X_KEY", "x-key",
            "ALERT_WEBHOOK", "https://hooks.example.com/services/T0/B0/hook-secret");

    private LoadResult loadExample(Map<String, String> env) throws IOException {
        Path fbKey = Files.writeString(dir.resolve("fb_key"), "fb-key\n");
        String yaml;
        // The repository's own example, as users copy it (the tests run in the module's directory).
        yaml = Files.readString(Path.of("..", "relay.example.yaml"), StandardCharsets.UTF_8);
        Path archive = Files.createDirectories(dir.resolve("archive"));
        Path file = Files.writeString(dir.resolve("relay.yaml"), yaml.replace("/run/secrets/fb_key", fbKey.toString())
                .replace("file:///var/lib/relay/archive/", archive.toUri().toString()));
        return new ConfigLoader(env::get).load(file);
    }

    @Test
    void productExampleLoadsWithoutErrorsAndFlagsOnlyItsPlaceholderUrl() throws IOException {
        LoadResult result = loadExample(ENV);

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).extracting(Problem::path).containsExactly("targets[2].url");
        RelayConfig config = result.orThrow();
        assertThat(config.targets()).extracting(TargetConfig::id)
                .containsExactly("youtube", "facebook", "instagram", "x", "archive");
        assertThat(config.targets()).extracting(TargetConfig::platform).containsExactly(Platform.YOUTUBE,
                Platform.FACEBOOK, Platform.INSTAGRAM, Platform.TWITTER, Platform.ARCHIVE);
        assertThat(config.target("archive").orElseThrow().archive()).isEqualTo(new ArchiveConfig(30, 1024));
    }

    @Test
    void envAndFileReferencesAreSubstituted() throws IOException {
        RelayConfig config = loadExample(ENV).orThrow();

        assertThat(config.ingest().streamKey()).isEqualTo("ingest-key");
        assertThat(config.control().token()).isEqualTo("api-token");
        assertThat(config.target("youtube").orElseThrow().key()).isEqualTo("yt-key");
        assertThat(config.target("instagram").orElseThrow().key()).isEqualTo("ig-key?sig=abc");
    }

    @Test
    void srtListenerIsReadWithItsPassphraseMaskedWhenPrinted() throws IOException {
        SrtConfig srt = loadExample(ENV).orThrow().ingest().srt();

        assertThat(srt).isEqualTo(new SrtConfig("0.0.0.0:9000", 500, "srt-passphrase-1"));
        assertThat(srt.toString()).doesNotContain("srt-passphrase-1").contains("****");
    }

    @Test
    void srtListenerDefaultsWhenOnlyNamed() {
        SrtConfig srt = Yaml.load(Yaml.minimalWith("streamKey: ingest-secret-1",
                "streamKey: ingest-secret-1\n  srt: {}")).orThrow().ingest().srt();

        assertThat(srt).isEqualTo(new SrtConfig(Defaults.SRT_LISTEN, Defaults.SRT_LATENCY_MILLIS, null));
        assertThat(Yaml.valid().ingest().srt()).as("no srt key, no listener").isNull();
    }

    @Test
    void fileSubstitutionDropsTheTrailingNewline() throws IOException {
        assertThat(loadExample(ENV).orThrow().target("facebook").orElseThrow().key()).isEqualTo("fb-key");
    }

    @Test
    void renditionsKeepFileOrderAndTheirIdIsTheMapKey() throws IOException {
        RelayConfig config = loadExample(ENV).orThrow();

        assertThat(config.renditions().keySet()).containsExactly("main", "vertical", "source");
        assertThat(config.renditions().get("vertical").id()).isEqualTo("vertical");
        assertThat(config.renditions().get("source").passthrough()).isTrue();
        assertThat(config.renditions().get("source").video()).isNull();
    }

    @Test
    void sizesAreReadAsBitsPerSecond() throws IOException {
        RelayConfig config = loadExample(ENV).orThrow();

        assertThat(config.renditions().get("main").video().bitrate()).isEqualTo(6_000_000);
        assertThat(config.renditions().get("vertical").video().bitrate()).isEqualTo(3_500_000);
        assertThat(config.renditions().get("main").audio().bitrate()).isEqualTo(128_000);
    }

    @Test
    void absentKeysTakeTheDefaults() {
        RelayConfig config = Yaml.valid();

        assertThat(config.ingest().listen()).isEqualTo("0.0.0.0:1935");
        assertThat(config.ingest().app()).isEqualTo("live");
        assertThat(config.ingest().limits()).isEqualTo(Defaults.rtmpLimits());
        assertThat(config.control().listen()).isEqualTo("127.0.0.1:8686");
        assertThat(config.stateFile()).isEqualTo("relay-state.json");
        assertThat(config.slate()).isEqualTo(new SlateConfig(null, "We'll be right back", 600));
        VideoConfig video = config.renditions().get("main").video();
        assertThat(video).isEqualTo(new VideoConfig("h264", 1280, 720, Fit.CROP, 30, 3_000_000, 2, "veryfast", "high"));
        assertThat(config.renditions().get("main").audio()).isEqualTo(new AudioConfig("aac", 128_000, 48_000, 2));
        TargetConfig yt = config.targets().get(0);
        assertThat(yt.enabled()).isTrue();
        assertThat(yt.queue()).isEqualTo(new QueueConfig(8_000, 64L * 1024 * 1024, 10));
        assertThat(yt.reconnect()).as("a target's own reconnect").isNull();
        assertThat(config.reconnectFor(yt)).isEqualTo(new ReconnectConfig(5, 60, 3));
    }

    @Test
    void reconnectIsSetForTheRelayAndOverriddenPerTargetKeyByKey() {
        RelayConfig config = Yaml.load(Yaml.minimalWith("targets:", "reconnect: { maxSeconds: 3 }\ntargets:")
                .replace("key: yt-secret-3", "key: yt-secret-3\n    reconnect: { maxRefusals: 5 }")).orThrow();

        assertThat(config.reconnect()).isEqualTo(new ReconnectConfig(3, 60, 3));
        assertThat(config.reconnectFor(config.targets().get(0))).isEqualTo(new ReconnectConfig(3, 60, 5));
    }

    @Test
    void reconnectOutOfRangeIsAProblemWithItsPath() {
        LoadResult result = Yaml.load(Yaml.minimalWith("targets:",
                "reconnect: { maxSeconds: 0, refusedMaxSeconds: 10, maxRefusals: 3 }\ntargets:"));

        assertThat(result.problems()).extracting(Object::toString)
                .anyMatch(p -> p.contains("reconnect.maxSeconds") && p.contains("got 0"));
    }

    @Test
    void targetWithoutUrlGetsThePlatformDefault() {
        assertThat(Yaml.valid().targets().get(0).url()).isEqualTo("rtmps://a.rtmps.youtube.com:443/live2");
    }

    @Test
    void targetWithOnlyAUrlIsCustom() {
        RelayConfig config = Yaml.load(Yaml.minimalWith("platform: youtube", "url: rtmp://127.0.0.1:1936/live/"))
                .orThrow();

        assertThat(config.targets().get(0).platform()).isEqualTo(Platform.CUSTOM);
    }

    @Test
    void xIsAnAliasOfTwitter() {
        RelayConfig config = Yaml.load(Yaml.minimalWith("platform: youtube", "platform: x")).orThrow();

        assertThat(config.targets().get(0).platform()).isEqualTo(Platform.TWITTER);
        assertThat(config.targets().get(0).url()).isEqualTo("rtmp://va.pscp.tv:80/x/");
    }

    @Test
    void targetWithoutRenditionCarriesTheFirstOne() {
        assertThat(Yaml.valid().targets().get(0).rendition()).isEqualTo("main");
    }

    @Test
    void jsonIsAccepted() throws IOException {
        String json = """
                { "ingest": { "streamKey": "k1" }, "control": { "token": "t1" },
                  "renditions": { "source": { "passthrough": true } },
                  "targets": [ { "id": "archive", "url": "rtmp://127.0.0.1/live/", "key": "a",
                                 "rendition": "source" } ] }
                """;
        Path file = Files.writeString(dir.resolve("relay.json"), json);

        LoadResult result = new ConfigLoader(name -> null).load(file);

        assertThat(result.errors()).isEmpty();
        assertThat(result.orThrow().targets().get(0).platform()).isEqualTo(Platform.CUSTOM);
    }

    @Test
    void missingEnvVariableIsAnErrorNamingIt() throws IOException {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.remove("YT_KEY");

        LoadResult result = loadExample(env);

        assertThat(result.usable()).isFalse();
        assertThat(result.errors()).extracting(Problem::toString)
                .containsExactly("targets[0].key: environment variable YT_KEY is not set");
    }

    @Test
    void problemsNeverShowSubstitutedValues() throws IOException {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.remove("YT_KEY");
        env.put("RELAY_TOKEN", "api-token");

        LoadResult result = new ConfigLoader(env::get).parse(Yaml.MINIMAL
                .replace("token-secret-2", "${env:RELAY_TOKEN}")
                .replace("bitrate: 3000k", "bitrate: \"${env:RELAY_TOKEN}\"")
                .replace("yt-secret-3", "${env:YT_KEY}"));

        assertThat(result.errors()).hasSize(2);
        assertThat(result.problems().toString()).doesNotContain("api-token").contains("YT_KEY");
    }

    @Test
    void unreadableFileIsAnErrorNamingIt() {
        String missing = dir.resolve("no-such-key").toString();

        LoadResult result = Yaml.load(Yaml.minimalWith("yt-secret-3", "${file:" + missing + "}"));

        assertThat(result.errors()).extracting(Problem::toString)
                .containsExactly("targets[0].key: file " + missing + " does not exist or is not a regular file");
    }

    @Test
    void doubledDollarIsALiteral() {
        RelayConfig config = Yaml.load(Yaml.minimalWith("yt-secret-3", "a$${b}")).orThrow();

        assertThat(config.targets().get(0).key()).isEqualTo("a${b}");
    }

    @Test
    void unknownKeyIsAnErrorWithItsPathAndAHint() {
        LoadResult result = Yaml.load(Yaml.minimalWith("bitrate: 3000k", "bitrate: 3000k, bitrat: 1"));

        assertThat(result.errors()).extracting(Problem::toString)
                .containsExactly("renditions.main.video.bitrat: unknown key (did you mean 'bitrate'?)");
    }

    @Test
    void wrongTypeIsAnErrorWithItsPath() {
        LoadResult result = Yaml.load(Yaml.minimalWith("width: 1280", "width: wide"));

        assertThat(result.errors()).extracting(Problem::toString)
                .containsExactly("renditions.main.video.width: expected a whole number; got \"wide\"");
    }

    @Test
    void everyProblemIsListedNotOnlyTheFirst() {
        LoadResult result = Yaml.load(Yaml.MINIMAL
                .replace("width: 1280", "width: 1281")
                .replace("bitrate: 3000k", "bitrate: 3000k, fps: 0")
                .replace("platform: youtube", "platform: facebook\n    url: rtmp://live-api-s.facebook.com/rtmp/"));

        assertThat(result.errors()).extracting(Problem::path).containsExactlyInAnyOrder(
                "renditions.main.video.width", "renditions.main.video.fps", "targets[0].url");
    }

    @Test
    void syntaxErrorGivesTheLine() {
        LoadResult result = Yaml.load("ingest:\n  streamKey: [unclosed\n");

        assertThat(result.errors()).singleElement().asString().startsWith("not valid YAML at line");
    }

    @Test
    void emptyFileIsRefused() {
        assertThat(Yaml.load("").errors()).singleElement().asString().contains("empty");
    }

    @Test
    void orThrowThrowsAConfigExceptionListingTheProblems() {
        LoadResult result = Yaml.load(Yaml.minimalWith("width: 1280", "width: 1281"));

        assertThatThrownBy(result::orThrow).isInstanceOf(ConfigException.class)
                .hasMessageContaining("renditions.main.video.width: expected an even number")
                .satisfies(e -> assertThat(((ConfigException) e).problems()).filteredOn(Problem::isError).hasSize(1));
    }

    @Test
    void problemsAreListedByPlaceInTheFileNotByPass() {
        LoadResult result = Yaml.load(Yaml.MINIMAL
                .replace("key: yt-secret-3", "key: ${env:NOPE}")
                .replace("streamKey: ingest-secret-1", "streamKey: ingest-secret-1\n  listen: nowhere"));

        assertThat(result.errors()).extracting(Problem::path).containsExactly("ingest.listen", "targets[0].key");
    }

    @Test
    void aSecretWrittenIntoTheFileIsAWarningThatNeverQuotesIt() {
        LoadResult result = Yaml.load(Yaml.MINIMAL);

        assertThat(result.usable()).isTrue();
        assertThat(result.warnings()).extracting(Problem::path)
                .contains("ingest.streamKey", "control.token", "targets[0].key");
        assertThat(result.warnings().toString()).contains("${env:NAME}").doesNotContain("ingest-secret-1")
                .doesNotContain("token-secret-2").doesNotContain("yt-secret-3");
    }

    @Test
    void aTabInTheIndentationIsNamedWithItsLine() {
        LoadResult result = Yaml.load("ingest:\n\tstreamKey: a\n");

        assertThat(result.errors()).extracting(Problem::toString).singleElement().asString()
                .contains("line 2, column 1").contains("tab");
    }

    @Test
    void anOverIndentedKeyIsNamedWithItsLineAndAHint() {
        LoadResult result = Yaml.load("ingest:\n  streamKey: a\n  app: live\n    listen: x\n");

        assertThat(result.errors()).extracting(Problem::toString).singleElement().asString()
                .contains("line 4").contains("check the indentation");
    }

    @Test
    void targetThatIsNotAMappingIsOneProblem() {
        LoadResult result = Yaml.load(Yaml.MINIMAL + "  - youtube\n");

        assertThat(result.errors()).extracting(Problem::toString).containsExactly("targets[1]: expected a mapping of "
                + "id, platform, url, key, rendition, enabled, tls, queue, reconnect, segmentMinutes, minFreeMB; got a "
                + "text value");
    }
}
