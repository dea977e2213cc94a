package dev.castrelay.relay.cli;

import dev.castrelay.relay.control.TestRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code relay health --watch} in a real terminal: tmux runs the CLI (a JVM on this test's classpath, so no
 * rebuild of bin/relay is needed) on a private tmux server, and the screen is captured twice. A redraw in place
 * shows the table once per capture with a newer clock, and nothing scrolls into the history.
 */
class HealthWatchTerminalTest {

    private final String socket = "castrelay-test-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path dir;

    @AfterEach
    void killTmux() throws Exception {
        tmux("kill-server");
    }

    @Test
    void watchRedrawsInPlaceWithoutScrolling() throws Exception {
        try (TestRelay relay = TestRelay.start(dir, TestRelay.target("alpha",
                "rtmp://127.0.0.1:" + TestRelay.closedPort() + "/a", "key-watch-1"))) {
            Path script = Files.writeString(dir.resolve("watch.sh"), "#!/bin/sh\n"
                    + "export RELAY_TOKEN='" + TestRelay.TOKEN + "'\n"
                    + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                    + System.getProperty("java.class.path") + "' dev.castrelay.relay.cli.Main health --watch"
                    + " --control " + relay.url() + "\n");
            assertThat(tmux("new-session", "-d", "-s", "watch", "-x", "160", "-y", "40", "sh " + script)).isZero();

            await().atMost(Duration.ofSeconds(30)).until(() -> capture().contains("TARGET"));
            String first = capture();
            String firstClock = clock(first);
            await().atMost(Duration.ofSeconds(5)).until(() -> !clock(capture()).equals(firstClock));
            String second = capture();

            for (String screen : List.of(first, second)) {
                assertThat(occurrences(screen, "TARGET ")).as(screen).isEqualTo(1);
                assertThat(occurrences(screen, "relay health ")).as(screen).isEqualTo(1);
                assertThat(screen.lines().findFirst().orElse("")).as(screen).startsWith("relay health ");
                assertThat(screen).contains("alpha").doesNotContain("key-watch-1");
            }
            assertThat(historySize()).isZero();
        }
    }

    private static String clock(String screen) {
        Matcher m = Pattern.compile("\\d\\d:\\d\\d:\\d\\d").matcher(screen);
        return m.find() ? m.group() : "";
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private String capture() throws Exception {
        return run("capture-pane", "-p", "-t", "watch");
    }

    private int historySize() throws Exception {
        return Integer.parseInt(run("display-message", "-p", "-t", "watch", "#{history_size}").trim());
    }

    private int tmux(String... args) throws Exception {
        Process p = start(args);
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private String run(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}
