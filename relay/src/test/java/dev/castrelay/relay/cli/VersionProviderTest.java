package dev.castrelay.relay.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code relay --version}: the manifest's version, or an honest "development build" without a jar. */
class VersionProviderTest {

    @Test
    void aJarsManifestVersionIsTheVersion() {
        assertThat(VersionProvider.describe("0.3.1")).isEqualTo("castrelay 0.3.1");
    }

    @Test
    void fromCompiledClassesItSaysDevelopmentBuild() {
        // The tests run from target/classes: no jar, so no manifest.
        CliRun r = CliRun.run(Map.of(), "--version");

        assertThat(r.code()).isZero();
        assertThat(r.out().lines().findFirst()).contains(VersionProvider.DEVELOPMENT);
        assertThat(r.out()).contains("Java " + Runtime.version());
    }
}
