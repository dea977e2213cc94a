package dev.castrelay.relay.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code relay demo} on a machine with nothing but a JDK: the demo's encoder and the relay run in this JVM, and no
 * library that needs a sound system (libavdevice, PulseAudio's client) may be mapped into it, so a change that
 * brings JavaCV's grabber or recorder, or the lavfi input device, back onto a runtime path fails here even on a
 * machine where PulseAudio is installed.
 */
class DemoTest {

    @Test
    void demoPassesEveryPlatformWithoutLoadingDeviceOrSoundLibraries() throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);

        boolean ok = new Demo(Duration.ofSeconds(6), out, (health, now) -> { }).run();

        out.flush();
        assertThat(ok).as("demo verdict:%n%s", text).isTrue();
        assertThat(text.toString()).contains("youtube", "facebook", "instagram", "x ")
                .doesNotContain("FAILED", "NOTHING RECEIVED");
        assertThat(mappedLibraries()).as("libraries mapped into the JVM")
                .noneMatch(lib -> lib.contains("libavdevice") || lib.contains("libpulse"))
                .anyMatch(lib -> lib.contains("libavformat")); // the check looks where FFmpeg's libraries show up
    }

    private static List<String> mappedLibraries() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains(".so")).map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .distinct().toList();
    }
}
