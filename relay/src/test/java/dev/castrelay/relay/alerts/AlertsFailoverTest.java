package dev.castrelay.relay.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.relay.Relay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary and a backup encoder through the running relay: the switch and the loss each reach the webhook. */
class AlertsFailoverTest {

    private static final String PRIMARY_KEY = "primary-key-Vb38";
    private static final String BACKUP_KEY = "backup-key-Lm92";
    private static final AlertSettings SETTINGS = new AlertSettings(250, 1_000, 200, 1_000, 10, 1_000);

    @TempDir
    Path dir;

    @Test
    void theDeathOfThePrimaryIsAFailoverThenTheBackupsALoss() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String yaml = "ingest: { listen: 127.0.0.1:0, app: live, streamKey: " + PRIMARY_KEY
                    + ", backup: { streamKey: " + BACKUP_KEY + " }, failover: { lossMillis: 1000 } }\n"
                    + "control: { listen: 127.0.0.1:0, token: failover-token-Qa1 }\n"
                    + "stateFile: " + dir.resolve("relay-state.json") + "\n"
                    + "renditions:\n  source: { passthrough: true }\n"
                    + "alerts:\n  - { url: \"" + receiver.url("/hook") + "\", downSeconds: 2 }\n";
            RelayConfig config = new ConfigLoader().parse(yaml).orThrow();
            try (Relay relay = Relay.start(config, Relay.settingsFor(config), SETTINGS);
                 FfmpegPublisher primary = encoder().publish(url(relay, PRIMARY_KEY))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> "primary".equals(relay.health().ingest().active()));
                try (FfmpegPublisher backup = encoder().publish(url(relay, BACKUP_KEY))) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> relay.health().ingest().inputs().stream()
                            .anyMatch(i -> i.role().equals("backup") && i.state().id().equals("live")));
                    Thread.sleep(1_500); // the backup's first keyframes are cached

                    primary.kill();
                    List<String> bodies = receiver.awaitBody(b -> b.contains("ingest.failover"),
                            Duration.ofSeconds(10));
                    assertThat(bodies).singleElement().asString().contains("\"input\":\"backup\"")
                            .contains("the program switched from the primary input to the backup input");

                    backup.stop();
                    receiver.awaitBody(b -> b.contains("ingest.lost"), Duration.ofSeconds(10));
                }
            }
            assertThat(receiver.bodies()).hasSize(2);
            for (String body : receiver.bodies()) {
                assertThat(body).doesNotContain(PRIMARY_KEY).doesNotContain(BACKUP_KEY);
            }
        }
    }

    private static FfmpegPublisher.Builder encoder() {
        return FfmpegPublisher.builder().size(640, 360).fps(30).gopSeconds(1).untilStopped();
    }

    private static String url(Relay relay, String key) {
        return "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + key;
    }
}
