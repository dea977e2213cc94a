package dev.castrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfprobeTest {

    @Test
    void cleanFileHasNoDecodeErrors(@TempDir Path dir) {
        Path file = FfmpegPublisher.builder().size(320, 180).duration(Duration.ofSeconds(1)).writeFlv(dir.resolve("a.flv"));

        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
    }

    @Test
    void corruptedFileHasDecodeErrors(@TempDir Path dir) throws Exception {
        Path file = FfmpegPublisher.builder().size(320, 180).duration(Duration.ofSeconds(1)).writeFlv(dir.resolve("a.flv"));
        byte[] bytes = Files.readAllBytes(file);
        // Overwrite the middle of the file, well past the headers, so decoding hits garbage.
        for (int i = bytes.length / 3; i < bytes.length / 3 + 4000; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(file, bytes);

        assertThat(Ffprobe.decodeErrors(file)).isNotEmpty();
    }

    @Test
    void audioOnlyFileHasNoVideo(@TempDir Path dir) {
        Path file = dir.resolve("tone.flv");
        Processes.run(Duration.ofSeconds(30), "ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine",
                "-t", "1", "-c:a", "aac", file.toString()).requireSuccess();

        MediaInfo info = Ffprobe.probe(file);

        assertThat(info.hasVideo()).isFalse();
        assertThat(info.audio().codec()).isEqualTo("aac");
        assertThat(info.audio().packets()).isPositive();
    }
}
