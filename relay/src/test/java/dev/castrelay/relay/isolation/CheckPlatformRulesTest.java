package dev.castrelay.relay.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.castrelay.relay.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay check} applies the platform presets before anything starts. */
class CheckPlatformRulesTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void refusesFacebookOverPlainRtmp() throws Exception {
        int exit = check(target("platform: facebook\n    url: rtmp://live-api-s.facebook.com:80/rtmp/"));

        assertThat(exit).isEqualTo(1);
        assertThat(out + "" + err).contains("targets[0].url").contains("rtmps://");
    }

    @Test
    void acceptsFacebookOverRtmps() throws Exception {
        int exit = check(target("platform: facebook"));

        assertThat(exit).as(out + "" + err).isZero();
    }

    @Test
    void neverPrintsTheKeyOfARefusedTarget() throws Exception {
        check(target("platform: facebook\n    url: rtmp://live-api-s.facebook.com:80/rtmp/"));

        assertThat(out + "" + err).doesNotContain("FB-1234567890-secret");
    }

    private String target(String platformLines) {
        return "ingest: { listen: 127.0.0.1:0, streamKey: ingest-key-1 }\n"
                + "control: { listen: 127.0.0.1:0, token: check-token-1 }\n"
                + "stateFile: " + dir.resolve("state.json") + "\n"
                + "renditions:\n"
                + "  main:\n"
                + "    video: { codec: h264, width: 1280, height: 720, fps: 30, bitrate: 3000k }\n"
                + "    audio: { codec: aac, bitrate: 128k }\n"
                + "targets:\n"
                + "  - id: fb\n"
                + "    " + platformLines + "\n"
                + "    key: FB-1234567890-secret\n"
                + "    rendition: main\n";
    }

    private int check(String yaml) throws Exception {
        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, yaml);
        return Cli.create(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("check", "--config", file.toString());
    }
}
