package dev.castrelay.relay.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.castrelay.relay.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay check} counts the alert endpoints and reports a bad one without its token. */
class AlertsCheckCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aUsableFileCountsItsAlertEndpoints() throws Exception {
        int exit = check("  - url: https://hooks.example.com/services/T0/B0/tok-Zx81\n    format: slack\n"
                + "  - url: http://127.0.0.1:9093/hook\n");

        assertThat(exit).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("usable (1 rendition, 0 targets, 2 alert endpoints");
    }

    @Test
    void aBadEndpointIsNamedByItsPlaceAndNeverQuotedWithItsToken() throws Exception {
        int exit = check("  - url: ftp://hooks.example.com/services/T0/B0/tok-Zx81\n    downSeconds: 0\n");

        assertThat(exit).isEqualTo(1);
        assertThat(out + "" + err).contains("alerts[0].url").contains("alerts[0].downSeconds")
                .doesNotContain("tok-Zx81");
    }

    private int check(String alerts) throws Exception {
        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, "ingest: { listen: 127.0.0.1:0, streamKey: ingest-key-1 }\n"
                + "control: { listen: 127.0.0.1:0, token: check-token-1 }\n"
                + "stateFile: " + dir.resolve("state.json") + "\n"
                + "renditions:\n  source: { passthrough: true }\n"
                + "alerts:\n" + alerts);
        return Cli.create(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("check", "--config", file.toString());
    }
}
