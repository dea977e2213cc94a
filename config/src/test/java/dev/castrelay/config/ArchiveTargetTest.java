package dev.castrelay.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code platform: archive}: a directory that takes files, no key, its two settings; at runtime, only known places. */
class ArchiveTargetTest {

    @TempDir
    Path dir;

    private LoadResult withArchive(String entry) {
        return Yaml.load(Yaml.MINIMAL + "  - " + entry + "\n");
    }

    private String url(Path directory) {
        return "\"" + directory.toUri() + "\"";
    }

    @Test
    void anArchiveGetsItsDefaultsAndItsDirectoryAsItsUrl() {
        RelayConfig config = withArchive("{ id: rec, platform: archive, url: " + url(dir) + " }").orThrow();

        TargetConfig rec = config.target("rec").orElseThrow();
        assertThat(rec.archive()).isEqualTo(new ArchiveConfig(30, 1024));
        assertThat(rec.archive().segmentMillis()).isEqualTo(30 * 60_000);
        assertThat(ArchiveConfig.directory(rec.effectiveUrl())).isEqualTo(dir);
        assertThat(rec.maskedUrl()).isEqualTo(dir.toUri().toString());
    }

    @Test
    void segmentMinutesTakesFractionsAndMinFreeMbAWholeNumber() {
        RelayConfig config = withArchive("{ id: rec, platform: archive, url: " + url(dir)
                + ", segmentMinutes: 0.5, minFreeMB: 64 }").orThrow();

        assertThat(config.target("rec").orElseThrow().archive()).isEqualTo(new ArchiveConfig(0.5, 64));
        assertThat(config.target("rec").orElseThrow().archive().segmentMillis()).isEqualTo(30_000);
    }

    @Test
    void aMissingDirectoryIsAnErrorThatSaysHowToMakeIt() {
        Path missing = dir.resolve("nowhere");

        assertThat(withArchive("{ id: rec, platform: archive, url: " + url(missing) + " }").errors())
                .extracting(Problem::toString)
                .containsExactly("targets[1].url: " + missing + " does not exist: create it (mkdir -p " + missing
                        + ") or record elsewhere");
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsAnError() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        assertThat(withArchive("{ id: rec, platform: archive, url: " + url(file) + " }").errors())
                .extracting(Problem::toString).containsExactly("targets[1].url: " + file + " is not a directory");
    }

    @Test
    void checkingLeavesNothingBehindInTheDirectory() throws IOException {
        withArchive("{ id: rec, platform: archive, url: " + url(dir) + " }").orThrow();

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anythingButALocalFileUrlIsRefused() {
        assertThat(withArchive("{ id: rec, platform: archive, url: rtmp://host/live/ }").errors())
                .extracting(Problem::toString).containsExactly("targets[1].url: expected a file:/// URL naming a "
                        + "directory, e.g. file:///var/lib/relay/archive/");
        assertThat(withArchive("{ id: rec, platform: archive, url: \"file://host/dir/\" }").errors())
                .extracting(Problem::toString)
                .containsExactly("targets[1].url: expected a local directory: file:///path/ (three slashes; no host)");
        assertThat(withArchive("{ id: rec, platform: archive }").errors()).extracting(Problem::toString)
                .containsExactly("targets[1].url: required: the directory to record into, e.g. "
                        + "file:///var/lib/relay/archive/");
    }

    @Test
    void aKeyAndSettingsOutOfRangeAreRefused() {
        assertThat(withArchive("{ id: rec, platform: archive, url: " + url(dir) + ", key: abc, segmentMinutes: 0, "
                + "minFreeMB: -1 }").errors()).extracting(Problem::path)
                .containsExactlyInAnyOrder("targets[1].key", "targets[1].segmentMinutes", "targets[1].minFreeMB");
    }

    @Test
    void archiveSettingsOnAPlatformTargetAreRefused() {
        assertThat(Yaml.load(Yaml.minimalWith("key: yt-secret-3", "key: yt-secret-3\n    segmentMinutes: 5"))
                .errors()).extracting(Problem::toString)
                .containsExactly("targets[0].segmentMinutes: only an archive target (platform: archive) has "
                        + "segmentMinutes");
    }

    @Test
    void atRuntimeAnArchiveMayUseADirectoryTheConfigFileGivesAnArchive() {
        RelayConfig file = withArchive("{ id: rec, platform: archive, url: " + url(dir) + " }").orThrow();

        TargetResult same = ConfigLoader.readTarget("{\"id\": \"rec2\", \"platform\": \"archive\", \"url\": \""
                + dir.toUri() + "\", \"segmentMinutes\": 5}", file, file);

        assertThat(same.errors()).isEmpty();
        assertThat(same.target().archive()).isEqualTo(new ArchiveConfig(5, 1024));
    }

    @Test
    void atRuntimeAnArchiveCannotWriteAnywhereElse() throws IOException {
        Path other = Files.createDirectory(dir.resolve("other"));
        RelayConfig file = withArchive("{ id: rec, platform: archive, url: " + url(dir) + " }").orThrow();

        TargetResult elsewhere = ConfigLoader.readTarget("{\"id\": \"rec2\", \"platform\": \"archive\", \"url\": \""
                + other.toUri() + "\"}", file, file);
        TargetResult sneaky = ConfigLoader.readTarget("{\"id\": \"rec3\", \"platform\": \"archive\", \"url\": \""
                + dir.toUri() + "other/../../\"}", file, file);

        assertThat(elsewhere.errors()).extracting(Problem::toString).containsExactly("targets[id=rec2].url: an "
                + "archive added while the relay runs may only use a directory the config file gives an archive "
                + "target: " + dir.toUri());
        assertThat(sneaky.errors()).extracting(Problem::path).containsExactly("targets[id=rec3].url");
    }

    @Test
    void atRuntimeNoArchiveAtAllWhenTheConfigFileHasNone() {
        RelayConfig file = Yaml.valid();

        TargetResult result = ConfigLoader.readTarget("{\"id\": \"rec\", \"platform\": \"archive\", \"url\": \""
                + dir.toUri() + "\"}", file, file);

        assertThat(result.errors()).extracting(Problem::toString).containsExactly("targets[id=rec].url: an archive "
                + "added while the relay runs may only use a directory the config file gives an archive target (it "
                + "gives none)");
    }
}
