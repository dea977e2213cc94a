package dev.castrelay.config;

import java.util.Map;

/** Small valid configurations for tests to bend one key at a time. */
final class Yaml {

    static final String INGEST_KEY = "ingest-secret-1";
    static final String TOKEN = "token-secret-2";
    static final String YT_KEY = "yt-secret-3";

    /** Valid, with one transcoded rendition and one YouTube target; keys are literal so tests can look for them. */
    static final String MINIMAL = """
            ingest:
              streamKey: ingest-secret-1
            control:
              token: token-secret-2
            renditions:
              main:
                video: { width: 1280, height: 720, bitrate: 3000k }
            targets:
              - id: yt
                platform: youtube
                key: yt-secret-3
            """;

    private Yaml() {
    }

    /** {@link #MINIMAL} with {@code from} replaced by {@code to}; fails loudly if {@code from} is not there. */
    static String minimalWith(String from, String to) {
        if (!MINIMAL.contains(from)) {
            throw new IllegalArgumentException("not in MINIMAL: " + from);
        }
        return MINIMAL.replace(from, to);
    }

    static LoadResult load(String yaml) {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml);
    }

    static RelayConfig valid() {
        return load(MINIMAL).orThrow();
    }
}
