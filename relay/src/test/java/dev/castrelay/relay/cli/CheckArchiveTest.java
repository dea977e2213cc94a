package dev.castrelay.relay.cli;

import dev.castrelay.testkit.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** {@code relay check} tries the archive's directory: a missing or read-only one is an error before anything runs. */
class CheckArchiveTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    @Test
    void aWritableDirectoryIsUsable() throws Exception {
        Path archive = Files.createDirectory(dir.resolve("archive"));

        assertThat(check(archive)).as(out.toString()).isZero();
        assertThat(out.toString()).contains("usable (1 rendition, 1 target").doesNotContain("targets[0]");
        try (var files = Files.list(archive)) {
            assertThat(files).as("what the check left behind").isEmpty();
        }
    }

    @Test
    void aMissingDirectoryIsAnErrorThatSaysHowToMakeIt() throws Exception {
        Path archive = dir.resolve("archive");

        assertThat(check(archive)).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString()).contains("targets[0].url: " + archive + " does not exist: create it (mkdir -p "
                + archive + ")");
    }

    @Test
    void aReadOnlyDirectoryIsAnError() throws Exception {
        Path archive = Files.createDirectory(dir.resolve("archive"));
        // Root passes every permission check, so the directory is made read-only by a read-only bind mount.
        Processes.Result bind = Processes.run(Duration.ofSeconds(10), "mount", "--bind", archive.toString(),
                archive.toString());
        assumeThat(bind.exitCode()).as("mount allowed (%s)", bind.stderr().strip()).isZero();
        try {
            Processes.run(Duration.ofSeconds(10), "mount", "-o", "remount,bind,ro", archive.toString())
                    .requireSuccess();

            assertThat(check(archive)).isEqualTo(ExitCodes.FAILURE);
            assertThat(out.toString()).contains("targets[0].url: " + archive + " is not writable (Read-only file "
                    + "system): the archive could not record there");
        } finally {
            Processes.run(Duration.ofSeconds(10), "umount", "-l", archive.toString());
        }
    }

    private int check(Path archive) throws Exception {
        Path file = Files.writeString(dir.resolve("relay.yaml"), ""
                + "ingest: { listen: 127.0.0.1:0, streamKey: ingest-key-1 }\n"
                + "control: { listen: 127.0.0.1:0, token: check-token-1 }\n"
                + "stateFile: " + dir.resolve("state.json") + "\n"
                + "renditions:\n  source: { passthrough: true }\n"
                + "targets:\n"
                + "  - { id: archive, platform: archive, url: \"" + archive.toUri() + "\", rendition: source }\n");
        return Cli.create(new PrintWriter(out, true), new PrintWriter(out, true))
                .execute("check", "--config", file.toString());
    }
}
