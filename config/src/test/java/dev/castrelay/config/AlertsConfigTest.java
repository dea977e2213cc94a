package dev.castrelay.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertsConfigTest {

    private static final String HOOK = "https://hooks.example.com/services/T0/B0/hook-secret-9";

    private static LoadResult withAlerts(String alerts) {
        return Yaml.load(Yaml.MINIMAL + "alerts:\n" + alerts);
    }

    @Test
    void anEndpointTakesTheDefaultFormatAndDownSeconds() {
        RelayConfig config = withAlerts("  - url: " + HOOK + "\n").orThrow();

        assertThat(config.alerts()).singleElement().satisfies(a -> {
            assertThat(a.url()).isEqualTo(HOOK);
            assertThat(a.format()).isEqualTo(AlertFormat.JSON);
            assertThat(a.downSeconds()).isEqualTo(Defaults.ALERT_DOWN_SECONDS);
            assertThat(a.tls()).isNull();
        });
    }

    @Test
    void everyKeyIsRead() {
        RelayConfig config = withAlerts("  - url: http://127.0.0.1:9/hook\n    format: slack\n    downSeconds: 5\n"
                + "    tls: { caFile: pom.xml }\n  - url: " + HOOK + "\n").orThrow();

        assertThat(config.alerts()).hasSize(2);
        AlertConfig first = config.alerts().get(0);
        assertThat(first.format()).isEqualTo(AlertFormat.SLACK);
        assertThat(first.downSeconds()).isEqualTo(5);
        assertThat(config.tlsFor(first).caFile()).isEqualTo("pom.xml");
    }

    @Test
    void withoutAlertsTheListIsEmpty() {
        assertThat(Yaml.load(Yaml.MINIMAL).orThrow().alerts()).isEmpty();
    }

    @Test
    void runtimeTargetChangesKeepTheAlerts() {
        RelayConfig config = withAlerts("  - url: " + HOOK + "\n").orThrow();

        assertThat(config.withTargets(java.util.List.of()).alerts()).isEqualTo(config.alerts());
    }

    @Test
    void badValuesAreProblemsWithTheirPaths() {
        LoadResult result = withAlerts("  - url: ftp://example.com/x\n    format: teams\n    downSeconds: 0\n"
                + "    tls: { caFile: /no/such/ca.pem }\n  - format: json\n  - url: https:///nohost\n    retries: 3\n");

        assertThat(result.errors()).extracting(Problem::path).containsExactlyInAnyOrder(
                "alerts[0].url", "alerts[0].format", "alerts[0].downSeconds", "alerts[0].tls.caFile",
                "alerts[1].url", "alerts[2].url", "alerts[2].retries");
        assertThat(result.errors().toString()).contains("expected one of json, slack")
                .contains("expected an http:// or https:// URL");
    }

    @Test
    void aBadUrlIsReportedWithoutItsToken() {
        LoadResult result = withAlerts("  - url: \"hooks.example.com/services/T0/B0/hook-secret-9\"\n");

        assertThat(result.errors()).extracting(Problem::path).containsExactly("alerts[0].url");
        assertThat(result.problems().toString()).doesNotContain("hook-secret-9");
    }

    @Test
    void aWebhookUrlIsShownWithItsWholePathAndQueryMasked() {
        assertThat(new AlertConfig(HOOK, AlertFormat.SLACK, 30, null).maskedUrl())
                .isEqualTo("https://hooks.example.com/****");
        assertThat(new AlertConfig("https://api.telegram.org/bot123:secret/sendMessage", AlertFormat.JSON, 30, null)
                .maskedUrl()).isEqualTo("https://api.telegram.org/****");
        assertThat(new AlertConfig("http://ops:pw@10.0.0.9:9093/?token=t", AlertFormat.JSON, 30, null).maskedUrl())
                .isEqualTo("http://****@10.0.0.9:9093/****");
        assertThat(new AlertConfig("http://10.0.0.9:9093", AlertFormat.JSON, 30, null).maskedUrl())
                .isEqualTo("http://10.0.0.9:9093/");
    }

    @Test
    void aSubstitutedUrlIsReadLikeAnyOther() {
        LoadResult result = new ConfigLoader(Map.of("HOOK", HOOK)::get)
                .parse(Yaml.MINIMAL + "alerts:\n  - url: ${env:HOOK}\n");

        assertThat(result.orThrow().alerts().get(0).url()).isEqualTo(HOOK);
        assertThat(result.orThrow().alerts().get(0).toString()).doesNotContain("hook-secret-9");
    }
}
