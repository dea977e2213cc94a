package dev.castrelay.relay.cli;

import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.transcoder.RenditionState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The health table's layout and colours, from records (the end-to-end exit codes are in HealthCommandTest). */
class HealthTableTest {

    private static final Instant NOW = Instant.parse("2026-04-20T18:00:00Z");
    private static final IngestHealth.Video VIDEO = new IngestHealth.Video("h264", 1280, 720, 30.0, 2.0);

    private static TargetHealth target(String id, TargetState state, String lastError, Long nextRetryInMs) {
        return new TargetHealth(id, "youtube", "main", "rtmp://x/****", state, NOW.minusSeconds(3725), 6050, 30.0,
                40, 2, 1, 1000, lastError, nextRetryInMs);
    }

    private static RelayHealth health(TargetHealth... targets) {
        IngestHealth ingest = new IngestHealth(IngestState.LIVE, NOW.minusSeconds(75), VIDEO,
                new IngestHealth.Audio("aac", 48000, 2), 6100, "backup", "pinned", List.of(
                new IngestHealth.Input("primary", IngestState.LOST, "rtmp", null, 0, NOW),
                new IngestHealth.Input("backup", IngestState.LIVE, "srt", VIDEO, 6100, NOW)));
        return new RelayHealth(RelayHealth.Status.WARNING, ingest, List.of(
                new RenditionHealth("main", RenditionState.ENCODING, 30.0, 6000, 1.9, 0, 0, false, null),
                new RenditionHealth("vertical", RenditionState.SLATE, 30.0, 2500, 2.41, 0, 0, false, "ingest lost")),
                List.of(targets));
    }

    private static String line(String table, String start) {
        return table.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(
                "no line starting with " + start + " in\n" + table));
    }

    @Test
    void everyPartHasItsHeadingsAndWords() {
        String table = HealthTable.render(health(target("youtube", TargetState.LIVE, null, null),
                target("facebook", TargetState.RECONNECTING, "connection refused", 2100L)), false, NOW);

        assertThat(table).startsWith("STATUS WARNING   INGEST live for 1:15   h264 1280x720 30.0 fps, keyframe 2.0 s, "
                + "aac 48000 Hz 2 ch, 6100 kb/s");
        assertThat(line(table, "INPUT")).matches("INPUT +STATE +VIA +PROGRAM +KB/S +VIDEO");
        assertThat(line(table, "backup")).matches("backup +live +srt +on air\\* +6100 +h264 1280x720 30.0 fps");
        assertThat(line(table, "RENDITION")).matches("RENDITION +STATE +FPS +KB/S +SPEED +WHY");
        assertThat(line(table, "vertical")).matches("vertical +slate +30.0 +2500 +2.41x +ingest lost");
        assertThat(line(table, "main ")).as("no reason, no trailing space")
                .matches("main +encoding +30.0 +6000 +1.90x");
        assertThat(line(table, "TARGET")).matches("TARGET +PLATFORM +RENDITION +STATE +KB/S +FPS +QUEUE +DROPS "
                + "+RECONN +UPTIME +LAST ERROR");
        assertThat(line(table, "youtube")).matches("youtube +youtube +main +live +6050 +30.0 +40ms +2 +1 +1:02:05");
        assertThat(line(table, "facebook")).matches("facebook +youtube +main +reconnecting 3s +6050 +30.0 +40ms +2 +1 "
                + "+- +connection refused");
        assertThat(table).doesNotContain("\u001b[");
    }

    @Test
    void columnsLineUpUnderTheirHeadingsEvenPastTheirUsualWidth() {
        String longId = "a-target-with-a-rather-long-id";
        String table = HealthTable.render(health(target("yt", TargetState.LIVE, null, null),
                target(longId, TargetState.FAILED, "refused", null)), false, NOW);

        String heading = line(table, "TARGET");
        for (String row : List.of(line(table, "yt "), line(table, longId))) {
            assertThat(row.indexOf("youtube")).as(row).isEqualTo(heading.indexOf("PLATFORM"));
            assertThat(row.indexOf(" main ") + 1).as(row).isEqualTo(heading.indexOf("RENDITION"));
        }
    }

    @Test
    void aTerminalGetsColouredStatesThatStillLineUp() {
        String table = HealthTable.render(health(target("youtube", TargetState.LIVE, null, null),
                target("facebook", TargetState.FAILED, "key refused", null)), true, NOW);

        assertThat(table).contains("\u001b[32mlive").contains("\u001b[31mfailed").contains("\u001b[33mWARNING");
        String plain = table.replaceAll("\u001b\\[[0-9;]*m", "");
        String heading = line(plain, "TARGET");
        assertThat(line(plain, "facebook").indexOf("key refused")).isEqualTo(heading.indexOf("LAST ERROR"));
        assertThat(line(plain, "youtube").indexOf("6050")).isEqualTo(heading.indexOf("KB/S"));
    }

    @Test
    void aPlatformsErrorTextIsShownAsItIsNotReadAsMarkup() {
        String table = HealthTable.render(health(target("youtube", TargetState.FAILED, "bad @|bold key|@ %s", null)),
                true, NOW);

        assertThat(table).contains("bad @|bold key|@ %s");
    }
}
