package dev.castrelay.relay.e2e;

import dev.castrelay.relay.Relay;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.castrelay.relay.e2e.ArchiveEndToEndTest.FPS;
import static dev.castrelay.relay.e2e.ArchiveEndToEndTest.INGEST_KEY;
import static dev.castrelay.relay.e2e.ArchiveEndToEndTest.TIMEOUT;
import static dev.castrelay.relay.e2e.ArchiveEndToEndTest.files;
import static dev.castrelay.relay.e2e.ArchiveEndToEndTest.health;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Disk trouble is the archive's problem, never the relay's: a disk that fills up or turns read-only mid-stream
 * makes the archive target {@code failed} with the reason, and the platform beside it loses not a frame. The disk
 * is a small tmpfs or a read-only bind mount, so the tests need the right to mount (root here).
 */
class ArchiveDiskTroubleTest {

    private static final Duration PUBLISHED = Duration.ofSeconds(14);
    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    private final List<Path> mounts = new ArrayList<>();
    private final List<Path> frozen = new ArrayList<>();

    @AfterEach
    void unmount() {
        for (Path f : frozen) {
            Processes.run(Duration.ofSeconds(10), "fsfreeze", "-u", f.toString());
        }
        for (int i = mounts.size() - 1; i >= 0; i--) {
            Path m = mounts.get(i);
            Processes.run(Duration.ofSeconds(10), "umount", "-l", m.toString());
        }
    }

    @Test
    void aFillingDiskFailsTheArchiveBeforeItsFreeSpaceFallsUnderMinFreeMbAndThePlatformLosesNothing()
            throws Exception {
        Path disk = mount(Files.createDirectory(dir.resolve("disk")), "tmpfs", "-t", "tmpfs", "-o", "size=40m");
        long minFree = 8 * MB;
        try (NginxRtmpSink platform = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(platform.url(), "relayed")
                     .archive(disk, "minFreeMB: 8").load());
             FfmpegPublisher encoder = publisher(relay)) {
            await().atMost(TIMEOUT).until(() -> health(relay, "archive").state() == TargetState.LIVE);
            Thread.sleep(2_000); // a stretch of recording before the trouble
            // Something else on the machine takes the disk down to a megabyte above the archive's floor.
            long usable = Files.getFileStore(disk).getUsableSpace();
            fill(disk.resolve("filler"), usable - minFree - MB);

            await().atMost(Duration.ofSeconds(15)).until(() -> health(relay, "archive").state() == TargetState.FAILED);
            TargetHealth archive = health(relay, "archive");
            assertThat(archive.lastError()).contains("disk nearly full").contains("minFreeMB")
                    .contains(disk.toString());
            assertThat(Files.getFileStore(disk).getUsableSpace()).as("free space after the archive stopped")
                    .isGreaterThanOrEqualTo(minFree);

            assertThat(encoder.awaitExit(TIMEOUT)).as(encoder.stderrTail()).isZero();
            assertPlatformHasEveryFrame(relay, platform);
            assertThat(Files.getFileStore(disk).getUsableSpace()).isGreaterThanOrEqualTo(minFree);
            assertThat(health(relay, "archive").state()).isEqualTo(TargetState.FAILED);
            // What was written before the stop plays.
            Path file = files(disk).get(0);
            assertThat(Ffprobe.probe(file).durationSeconds()).isGreaterThan(1.0);
            assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        }
    }

    @Test
    void aDirectoryGoneReadOnlyFailsTheArchiveThePlatformLosesNothingAndARestartRecordsAgain() throws Exception {
        Path archiveDir = Files.createDirectory(dir.resolve("archive"));
        try (NginxRtmpSink platform = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(platform.url(), "relayed")
                     .archive(archiveDir, "segmentMinutes: 0.05").load());
             FfmpegPublisher encoder = publisher(relay)) {
            await().atMost(TIMEOUT).until(() -> health(relay, "archive").state() == TargetState.LIVE);
            // A read-only view of the directory, then that view mounted over it in one step: the next file cannot
            // be created (as after an ext4 error remounted the disk read-only); the file already open lives on.
            Path view = mount(Files.createDirectory(dir.resolve("read-only-view")), archiveDir.toString(), "--bind");
            Processes.run(Duration.ofSeconds(10), "mount", "-o", "remount,bind,ro", view.toString()).requireSuccess();
            mount(archiveDir, view.toString(), "--bind");

            await().atMost(Duration.ofSeconds(15)).until(() -> health(relay, "archive").state() == TargetState.FAILED);
            assertThat(health(relay, "archive").lastError()).contains("Read-only file system")
                    .contains(archiveDir.toString());
            int before = files(archiveDir).size();

            // The disk is fixed: a restart starts a new file at once, from the cached GOP.
            Processes.run(Duration.ofSeconds(10), "umount", archiveDir.toString()).requireSuccess();
            mounts.remove(archiveDir);
            relay.targets().restart("archive");
            await().atMost(Duration.ofSeconds(10)).until(() -> health(relay, "archive").state() == TargetState.LIVE);
            assertThat(health(relay, "archive").lastError()).isNull();
            assertThat(files(archiveDir)).hasSizeGreaterThan(before);

            assertThat(encoder.awaitExit(TIMEOUT)).as(encoder.stderrTail()).isZero();
            assertPlatformHasEveryFrame(relay, platform);
        }
    }

    @Test
    void aStuckDiskCostsThePlatformNothingWhileTheArchiveDropsWholeGopsAndSaysSo() throws Exception {
        Path image = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64 * MB);
        }
        Processes.run(Duration.ofSeconds(30), "mkfs.ext4", "-q", image.toString()).requireSuccess();
        Path disk = mount(Files.createDirectory(dir.resolve("disk")), image.toString(), "-o", "loop");
        try (NginxRtmpSink platform = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(INGEST_KEY).target(platform.url(), "relayed")
                     .archive(disk, "minFreeMB: 0, queue: { maxMillis: 2000 }").load());
             FfmpegPublisher encoder = publisher(relay)) {
            await().atMost(TIMEOUT).until(() -> health(relay, "archive").state() == TargetState.LIVE);
            Thread.sleep(2_000); // a stretch of recording before the trouble
            // Every write to the disk now blocks until it is thawed, as on a dead NFS server or a failing drive.
            Processes.run(Duration.ofSeconds(10), "fsfreeze", "-f", disk.toString()).requireSuccess();
            frozen.add(disk);

            await().atMost(Duration.ofSeconds(15)).until(() -> health(relay, "archive").state() == TargetState.DEGRADED
                    && health(relay, "archive").lastError() != null);
            TargetHealth stuck = health(relay, "archive");
            System.out.printf("frozen disk: archive %s (%s), %d frames dropped, queue %d ms%n", stuck.state().id(),
                    stuck.lastError(), stuck.droppedFrames(), stuck.queueMs());
            assertThat(stuck.lastError()).contains("the disk has not finished a write for");
            assertThat(stuck.droppedFrames()).as("frames the archive dropped").isPositive();
            assertThat(stuck.queueMs()).as("the archive's queue").isLessThanOrEqualTo(2_000 + 1_000);
            assertThat(health(relay, PassthroughConfig.targetId(1)).state()).isEqualTo(TargetState.LIVE);

            Processes.run(Duration.ofSeconds(10), "fsfreeze", "-u", disk.toString()).requireSuccess();
            frozen.remove(disk);
            assertThat(encoder.awaitExit(TIMEOUT)).as(encoder.stderrTail()).isZero();
            assertPlatformHasEveryFrame(relay, platform);
            await().atMost(TIMEOUT).until(() -> health(relay, "archive").state() == TargetState.WAITING);
            // The archive missed what the disk could not take, in whole GOPs: what it has decodes cleanly.
            Path file = files(disk).get(0);
            MediaInfo got = Ffprobe.probe(file);
            assertThat(got.video().frames()).isLessThan(FPS * (int) PUBLISHED.toSeconds());
            assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        }
    }

    private static FfmpegPublisher publisher(Relay relay) {
        return FfmpegPublisher.builder().size(640, 360).fps(FPS).duration(PUBLISHED).gopSeconds(1)
                .publish(PassthroughEndToEndTest.ingestUrl(relay, INGEST_KEY));
    }

    private static void assertPlatformHasEveryFrame(Relay relay, NginxRtmpSink platform) {
        MediaInfo got = Ffprobe.probe(platform.awaitRecording(TIMEOUT));
        assertThat(got.video().frames()).as("frames the platform recorded")
                .isEqualTo(FPS * (int) PUBLISHED.toSeconds());
        TargetHealth target = health(relay, PassthroughConfig.targetId(1));
        assertThat(target.droppedFrames()).isZero();
        assertThat(target.reconnects()).isZero();
        assertThat(platform.publishSessions()).isEqualTo(1);
    }

    /** Mounts {@code source} on {@code point} (unmounted after the test); skips the test where mounting is denied. */
    private Path mount(Path point, String source, String... options) {
        List<String> command = new ArrayList<>(List.of("mount"));
        command.addAll(List.of(options));
        command.add(source);
        command.add(point.toString());
        Processes.Result result = Processes.run(Duration.ofSeconds(10), command);
        assumeThat(result.exitCode()).as("mount allowed (%s)", result.stderr().strip()).isZero();
        mounts.add(point);
        return point;
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }
}
