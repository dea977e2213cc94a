package dev.castrelay.relay.alerts;

import dev.castrelay.config.AlertConfig;
import dev.castrelay.config.AlertFormat;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.TlsConfig;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.ingest.InputSelector;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FreePorts;
import dev.castrelay.testkit.TestCertificates;
import dev.castrelay.testkit.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Alerts delivered to loopback endpoints that answer, refuse, hang or speak TLS; the health is the test's. */
class AlertDeliveryTest {

    /** Readings every 100 ms, 500 ms to answer, retries from 200 ms to 400 ms, three queued at most. */
    private static final AlertSettings FAST = new AlertSettings(100, 500, 200, 400, 3, 0);

    private final AtomicReference<RelayHealth> health = new AtomicReference<>(health(IngestState.WAITING));
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private static RelayHealth health(IngestState ingest, TargetHealth... targets) {
        return new RelayHealth(RelayHealth.Status.OK, new IngestHealth(ingest, Instant.now(), null, null, 0, null, "auto", List.of()),
                List.of(), List.of(targets));
    }

    private static TargetHealth target(String id, TargetState state) {
        return new TargetHealth(id, "custom", "main", "rtmp://127.0.0.1:1/live/****", state, Instant.now(), 0, 0, 0,
                0, 0, 0, null, null);
    }

    private Alerts alerts(String url, AlertFormat format, TlsConfig tls) {
        RelayConfig config = new RelayConfig(null, null, null, null, null, Map.of(), List.of(), null,
                List.of(new AlertConfig(url, format, 1, tls)));
        Alerts alerts = Alerts.start(config, health::get, List::of, FAST);
        closeLater.add(0, alerts);
        return alerts;
    }

    private WebhookReceiver receiver() {
        WebhookReceiver r = WebhookReceiver.start();
        closeLater.add(r);
        return r;
    }

    /** Takes the ingest live with {@code n} targets that never connect: n target.down alerts after 1 s. */
    private void targetsGoDown(int n) {
        TargetHealth[] targets = new TargetHealth[n];
        for (int i = 0; i < n; i++) {
            targets[i] = target("t" + i, TargetState.RECONNECTING);
        }
        health.set(health(IngestState.LIVE, targets));
    }

    @Test
    void aTargetDownIsPostedOnceAsTheAlertDocument() throws Exception {
        WebhookReceiver receiver = receiver();
        Alerts alerts = alerts(receiver.url("/hook?team=ops"), AlertFormat.JSON, null);

        targetsGoDown(1);
        receiver.awaitBody(b -> b.contains("\"target.down\""), Duration.ofSeconds(5));
        Thread.sleep(1_000); // ten more readings of the same health

        assertThat(receiver.bodies()).singleElement().asString().contains("\"target\":\"t0\"")
                .contains("\"state\":\"reconnecting\"");
        assertThat(alerts.health()).singleElement().satisfies(h -> {
            assertThat(h.sent()).isEqualTo(1);
            assertThat(h.failed()).isZero();
            assertThat(h.state()).isEqualTo(AlertHealth.State.OK);
        });
    }

    @Test
    void aSlackEndpointGetsATextPayload() throws Exception {
        WebhookReceiver receiver = receiver();
        alerts(receiver.url("/services/T0/B0/secret"), AlertFormat.SLACK, null);

        targetsGoDown(1);

        assertThat(receiver.awaitBody(b -> b.contains("target.down"), Duration.ofSeconds(5)))
                .singleElement().asString().startsWith("{\"text\":\":red_circle: castrelay *target.down*: target t0");
    }

    @Test
    void aFailoverIsPostedFromTheSelectorsSwitch() throws Exception {
        WebhookReceiver receiver = receiver();
        Alerts alerts = alerts(receiver.url("/"), AlertFormat.JSON, null);

        alerts.onSwitch(new InputSelector.Switch(InputRole.PRIMARY, InputRole.BACKUP, "primary input left"));

        assertThat(receiver.awaitBody(b -> b.contains("ingest.failover"), Duration.ofSeconds(5))).singleElement()
                .asString().contains("\"input\":\"backup\"").contains("primary input left");
    }

    @Test
    void aRefusingEndpointIsRetriedWithBackoffAndCountedAsFailing() {
        int closedPort = FreePorts.next();
        Alerts alerts = alerts("http://127.0.0.1:" + closedPort + "/hook", AlertFormat.JSON, null);

        targetsGoDown(1);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(alerts.health().get(0).failed())
                .isGreaterThanOrEqualTo(3));
        AlertHealth h = alerts.health().get(0);
        assertThat(h.state()).isEqualTo(AlertHealth.State.FAILING);
        assertThat(h.lastError()).isEqualTo("connection refused by 127.0.0.1:" + closedPort);
        assertThat(h.sent()).isZero();
        assertThat(h.queued()).isEqualTo(1);
    }

    @Test
    void aServerErrorIsRetriedUntilTheEndpointTakesTheAlert() throws Exception {
        WebhookReceiver receiver = receiver();
        receiver.answerWith(503);
        Alerts alerts = alerts(receiver.url("/hook"), AlertFormat.JSON, null);

        targetsGoDown(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests() >= 2);
        receiver.answerWith(200);

        receiver.awaitBody(b -> b.contains("target.down"), Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            AlertHealth h = alerts.health().get(0);
            assertThat(h.sent()).isEqualTo(1);
            assertThat(h.failed()).isGreaterThanOrEqualTo(2);
            assertThat(h.state()).isEqualTo(AlertHealth.State.OK);
            assertThat(h.queued()).isZero();
        });
        assertThat(receiver.bodies()).hasSize(1);
    }

    @Test
    void anAlertRefusedWithA4xxIsDroppedNotRetried() throws Exception {
        WebhookReceiver receiver = receiver();
        receiver.answerWith(400);
        Alerts alerts = alerts(receiver.url("/hook"), AlertFormat.JSON, null);

        targetsGoDown(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> alerts.health().get(0).dropped() == 1);
        Thread.sleep(1_000); // a retry would come within this: nothing to await but its absence

        assertThat(receiver.requests()).isEqualTo(1);
        assertThat(alerts.health().get(0).lastError()).isEqualTo("answered HTTP 400: the alert is refused");
    }

    @Test
    void aRedirectIsNotFollowedNorRetried() throws Exception {
        WebhookReceiver receiver = receiver();
        receiver.answerWith(308);
        Alerts alerts = alerts(receiver.url("/old"), AlertFormat.JSON, null);

        targetsGoDown(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> alerts.health().get(0).dropped() == 1);
        Thread.sleep(1_000); // a retry or a followed redirect would come within this: nothing to await but absence

        assertThat(receiver.requests()).isEqualTo(1);
        assertThat(alerts.health().get(0).lastError()).startsWith("answered HTTP 308: redirects are not followed");
    }

    @Test
    void aHangingEndpointTimesOutAndKeepsOnlyTheNewestAlerts() throws Exception {
        WebhookReceiver receiver = receiver();
        receiver.hang();
        Alerts alerts = alerts(receiver.url("/hook"), AlertFormat.JSON, null);

        targetsGoDown(6); // six alerts for a queue of three
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            AlertHealth h = alerts.health().get(0);
            assertThat(h.dropped()).isEqualTo(3);
            assertThat(h.failed()).isGreaterThanOrEqualTo(2);
        });
        AlertHealth hung = alerts.health().get(0);
        assertThat(hung.queued()).isEqualTo(3);
        assertThat(hung.lastError()).isEqualTo("no answer from 127.0.0.1:" + receiver.port() + " within 500 ms");

        receiver.stopHanging();
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.bodies().size() == 3);
        assertThat(receiver.bodies()).allMatch(b -> b.contains("target.down"));
        assertThat(alerts.health().get(0).queued()).isZero();
    }

    @Test
    void httpsTrustsTheConfiguredCaFile() throws Exception {
        TestCertificates certs = TestCertificates.signed(dir);
        WebhookReceiver receiver = WebhookReceiver.startHttps(certs);
        closeLater.add(receiver);
        alerts(receiver.url("/hook"), AlertFormat.JSON, new TlsConfig(certs.caFile().toString()));

        targetsGoDown(1);

        receiver.awaitBody(b -> b.contains("target.down"), Duration.ofSeconds(5));
    }

    @Test
    void httpsRefusesACertificateNoTrustedCaSigned() {
        TestCertificates certs = TestCertificates.signed(dir);
        WebhookReceiver receiver = WebhookReceiver.startHttps(certs);
        closeLater.add(receiver);
        Alerts alerts = alerts(receiver.url("/hook"), AlertFormat.JSON, null);

        targetsGoDown(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> alerts.health().get(0).failed() >= 1);
        assertThat(alerts.health().get(0).lastError()).startsWith("TLS with 127.0.0.1:" + receiver.port()
                + " failed");
        assertThat(receiver.bodies()).isEmpty();
    }
}
