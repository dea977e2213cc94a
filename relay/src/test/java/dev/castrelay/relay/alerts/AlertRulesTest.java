package dev.castrelay.relay.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.castrelay.config.AlertFormat;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.ingest.InputSelector;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.transcoder.RenditionState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules fed a timeline of health readings, one every 500 ms as the relay reads them; each test pins one
 * transition. An alert is written {@code <ms>:<event>:<subject>}.
 */
class AlertRulesTest {

    private static final Instant T0 = Instant.parse("2026-04-20T17:00:00Z");
    private static final String KEY = "sk_live_9f8e7d";
    private static final String TOKEN = "api-token-5c4b";
    private static final List<String> SECRETS = List.of(KEY, TOKEN);

    /** A timeline: a stretch of readings with the same health, then the next stretch. */
    private static final class Timeline {
        final AlertRules rules;
        final List<String> alerts = new ArrayList<>();
        final List<Alert> raw = new ArrayList<>();
        long now;

        Timeline(int downSeconds) {
            rules = new AlertRules(downSeconds);
        }

        /** Readings of {@code h} every 500 ms for {@code millis}. */
        Timeline hold(long millis, RelayHealth h) {
            long end = now + millis;
            for (; now < end; now += 500) {
                for (Alert a : rules.next(h, T0.plusMillis(now), SECRETS)) {
                    raw.add(a);
                    String subject = a.target() != null ? a.target() : a.rendition() != null ? a.rendition()
                            : "ingest";
                    alerts.add(now + ":" + a.event().id() + ":" + subject);
                }
            }
            return this;
        }
    }

    private static RelayHealth health(IngestState ingest, TargetHealth... targets) {
        return health(ingest, List.of(), targets);
    }

    private static RelayHealth health(IngestState ingest, List<RenditionHealth> renditions, TargetHealth... targets) {
        IngestHealth in = new IngestHealth(ingest, T0, null, null, 0, ingest == IngestState.LIVE ? "primary" : null,
                "auto", List.of());
        return new RelayHealth(RelayHealth.Status.OK, in, renditions, List.of(targets));
    }

    private static TargetHealth target(String id, TargetState state) {
        return target(id, state, null);
    }

    private static TargetHealth target(String id, TargetState state, String lastError) {
        return new TargetHealth(id, "custom", "main", "rtmp://127.0.0.1:1935/live/****", state, T0, 0, 0, 0, 0, 0, 0,
                lastError, state == TargetState.RECONNECTING ? 1000L : null);
    }

    private static final IngestState LIVE = IngestState.LIVE;

    @Test
    void aTargetNotLiveForDownSecondsWhileTheIngestIsRaisesOneTargetDown() {
        Timeline t = new Timeline(3)
                .hold(2_000, health(LIVE, target("yt", TargetState.LIVE)))
                .hold(10_000, health(LIVE, target("yt", TargetState.RECONNECTING)));

        assertThat(t.alerts).containsExactly("5000:target.down:yt");
    }

    @Test
    void aBlipShorterThanDownSecondsRaisesNothing() {
        Timeline t = new Timeline(3)
                .hold(2_000, health(LIVE, target("yt", TargetState.LIVE)))
                .hold(2_500, health(LIVE, target("yt", TargetState.RECONNECTING)))
                .hold(5_000, health(LIVE, target("yt", TargetState.LIVE)))
                .hold(2_500, health(LIVE, target("yt", TargetState.CONNECTING)));

        assertThat(t.alerts).isEmpty();
    }

    @Test
    void aDegradedTargetStillSendsAndIsNotDown() {
        Timeline t = new Timeline(1).hold(10_000, health(LIVE, target("yt", TargetState.DEGRADED)));

        assertThat(t.alerts).isEmpty();
    }

    @Test
    void aFlappingTargetGivesOneDownAndOneRecoveredOnceItHolds() {
        Timeline t = new Timeline(3).hold(1_000, health(LIVE, target("yt", TargetState.LIVE)))
                .hold(4_000, health(LIVE, target("yt", TargetState.RECONNECTING)));
        for (int i = 0; i < 10; i++) {
            t.hold(2_000, health(LIVE, target("yt", TargetState.LIVE)))
                    .hold(1_000, health(LIVE, target("yt", TargetState.RECONNECTING)));
        }
        t.hold(5_000, health(LIVE, target("yt", TargetState.LIVE)));

        assertThat(t.alerts).containsExactly("4000:target.down:yt", "38000:target.recovered:yt");
    }

    @Test
    void recoveryWaitsAtMostTenSecondsWhateverDownSeconds() {
        Timeline t = new Timeline(60).hold(61_000, health(LIVE, target("yt", TargetState.RECONNECTING)))
                .hold(15_000, health(LIVE, target("yt", TargetState.LIVE)));

        assertThat(t.alerts).containsExactly("60000:target.down:yt", "71000:target.recovered:yt");
    }

    @Test
    void theDownClockStopsWhileTheIngestIsNotLive() {
        Timeline t = new Timeline(3)
                .hold(10_000, health(IngestState.WAITING, target("yt", TargetState.WAITING)))
                .hold(2_000, health(LIVE, target("yt", TargetState.CONNECTING)))
                .hold(10_000, health(IngestState.LOST, target("yt", TargetState.WAITING)))
                .hold(2_000, health(LIVE, target("yt", TargetState.CONNECTING)))
                .hold(2_000, health(LIVE, target("yt", TargetState.LIVE)));

        assertThat(t.alerts).containsExactly("12000:ingest.lost:ingest", "25000:ingest.recovered:ingest");
    }

    @Test
    void aFailedTargetIsToldAtOnceThenRecoveredAfterARestartThatHolds() {
        Timeline t = new Timeline(30)
                .hold(1_000, health(LIVE, target("fb", TargetState.CONNECTING)))
                .hold(5_000, health(LIVE, target("fb", TargetState.FAILED, "refused: NetStream.Publish.BadName")))
                .hold(1_000, health(LIVE, target("fb", TargetState.CONNECTING)))
                .hold(12_000, health(LIVE, target("fb", TargetState.LIVE)));

        assertThat(t.alerts).containsExactly("1000:target.failed:fb", "17000:target.recovered:fb");
        assertThat(t.raw.get(0).detail()).contains("NetStream.Publish.BadName");
        assertThat(t.raw.get(0).state()).isEqualTo("failed");
    }

    @Test
    void aFailedTargetThatWasAlreadyDownIsStillToldItFailed() {
        Timeline t = new Timeline(2)
                .hold(3_000, health(LIVE, target("fb", TargetState.RECONNECTING)))
                .hold(1_000, health(LIVE, target("fb", TargetState.FAILED)));

        assertThat(t.alerts).containsExactly("2000:target.down:fb", "3000:target.failed:fb");
    }

    @Test
    void aDisabledOrRemovedTargetIsForgottenWithoutAWord() {
        Timeline t = new Timeline(2)
                .hold(3_000, health(LIVE, target("a", TargetState.RECONNECTING), target("b", TargetState.RECONNECTING)))
                .hold(5_000, health(LIVE, target("a", TargetState.DISABLED)))
                .hold(15_000, health(LIVE, target("a", TargetState.LIVE), target("b", TargetState.LIVE)));

        assertThat(t.alerts).containsExactly("2000:target.down:a", "2000:target.down:b");
    }

    @Test
    void aFlappingEncoderGivesOneIngestLostAndOneRecovered() {
        Timeline t = new Timeline(30).hold(5_000, health(LIVE));
        for (int i = 0; i < 5; i++) {
            t.hold(1_000, health(IngestState.LOST)).hold(3_000, health(LIVE));
        }
        t.hold(12_000, health(LIVE));

        assertThat(t.alerts).containsExactly("5000:ingest.lost:ingest", "32000:ingest.recovered:ingest");
        assertThat(t.raw.get(1).input()).isEqualTo("primary");
    }

    @Test
    void aSlowRenditionIsToldOncePerEpisode() {
        RenditionHealth fast = new RenditionHealth("main", RenditionState.ENCODING, 30, 3000, 1.4, 0, 0, false, null);
        RenditionHealth slow = new RenditionHealth("main", RenditionState.ENCODING, 24, 3000, 0.81, 0, 0, true, null);
        Timeline t = new Timeline(30).hold(2_000, health(LIVE, List.of(fast)))
                .hold(20_000, health(LIVE, List.of(slow)))
                .hold(2_000, health(LIVE, List.of(fast)))
                .hold(1_000, health(LIVE, List.of(slow)));

        assertThat(t.alerts).containsExactly("2000:rendition.slow:main", "24000:rendition.slow:main");
        assertThat(t.raw.get(0).detail()).contains("0.81x");
    }

    @Test
    void aFailoverNamesBothInputsAndWhy() {
        Alert a = new AlertRules(30).failover(new InputSelector.Switch(InputRole.PRIMARY, InputRole.BACKUP,
                "no video from the primary input for 1040 ms"), T0);

        assertThat(a.event()).isEqualTo(AlertEvent.INGEST_FAILOVER);
        assertThat(a.input()).isEqualTo("backup");
        assertThat(a.detail()).isEqualTo("the program switched from the primary input to the backup input: "
                + "no video from the primary input for 1040 ms");
    }

    @Test
    void noKeyOrTokenEchoedByAPlatformReachesAnAlert() throws Exception {
        TargetHealth leaky = new TargetHealth("x", "custom", "main", "rtmp://host/app/" + KEY, TargetState.FAILED,
                T0, 0, 0, 0, 0, 0, 0, "rejected publish of " + KEY + " (token " + TOKEN + ")", null);
        Timeline t = new Timeline(1).hold(1_000, health(LIVE, leaky));

        assertThat(t.raw).hasSize(1);
        for (AlertFormat format : AlertFormat.values()) {
            String body = AlertPayload.body(t.raw.get(0), format);
            assertThat(body).as(format.id()).doesNotContain(KEY).doesNotContain(TOKEN).contains("****");
        }
    }

    @Test
    void theJsonDocumentHasTheContractsFields() throws Exception {
        Timeline t = new Timeline(1).hold(2_000, health(LIVE, target("yt", TargetState.RECONNECTING,
                "connection refused by 127.0.0.1:1935")));

        JsonNode doc = new ObjectMapper().readTree(AlertPayload.body(t.raw.get(0), AlertFormat.JSON));

        assertThat(doc.get("event").asText()).isEqualTo("target.down");
        assertThat(Instant.parse(doc.get("at").asText())).isEqualTo(T0.plusMillis(1_000));
        assertThat(doc.get("target").asText()).isEqualTo("yt");
        assertThat(doc.get("state").asText()).isEqualTo("reconnecting");
        assertThat(doc.get("detail").asText()).isEqualTo("not live for 1 s while the ingest is; last error: "
                + "connection refused by 127.0.0.1:1935");
        assertThat(doc.get("url").asText()).isEqualTo("rtmp://127.0.0.1:1935/live/****");
    }

    @Test
    void theSlackPayloadIsOneEscapedTextLine() throws Exception {
        Alert a = Alert.ingest(AlertEvent.INGEST_LOST, T0, null, "lost", "a <b> & c");

        JsonNode doc = new ObjectMapper().readTree(AlertPayload.body(a, AlertFormat.SLACK));

        assertThat(doc.size()).isEqualTo(1);
        assertThat(doc.get("text").asText())
                .isEqualTo(":red_circle: castrelay *ingest.lost*: ingest (lost): a &lt;b&gt; &amp; c");
    }
}
