package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.Problem;
import dev.castrelay.relay.control.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code relay targets ...} against a running relay: exit 0/1/64 and one clear line for each failure. */
class TargetsCommandTest {

    private static final Map<String, String> ENV = Map.of("RELAY_TOKEN", TestRelay.TOKEN);
    private static final String KEY = "key-cli-4c1d9e";

    @TempDir
    static Path dir;
    static TestRelay relay;

    @BeforeAll
    static void start() {
        relay = TestRelay.start(dir, TestRelay.target("alpha", "rtmp://127.0.0.1:" + TestRelay.closedPort() + "/a",
                KEY));
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private static CliRun targets(String... args) {
        return targets(ENV, "", args);
    }

    private static CliRun targets(Map<String, String> env, String stdin, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "targets";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--control";
        full[args.length + 2] = relay.url();
        return CliRun.withStdin(env, stdin, full);
    }

    private static String savedKey(String id) throws Exception {
        var saved = new ObjectMapper().readTree(dir.resolve("relay-state.json").toFile()).path("targets");
        for (var t : saved) {
            if (t.path("id").asText().equals(id)) {
                return t.path("key").asText();
            }
        }
        return null;
    }

    @Test
    void listShowsTheTargetsWithMaskedUrls() {
        CliRun r = targets("list");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("ID").contains("alpha").contains("custom").contains("/a/****");
        assertThat(r.out() + r.err()).doesNotContain(KEY).doesNotContain(TestRelay.TOKEN);
    }

    @Test
    void addReadsTheKeyFromStdinAndSendsItInTheBody() throws Exception {
        CliRun r = targets(ENV, "stdin-key-77a1\n", "add", "--id", "fromstdin", "--url", "rtmp://127.0.0.1:9/s",
                "--key", "-");

        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("target 'fromstdin' added").contains("rtmp://127.0.0.1:9/s/****")
                .doesNotContain("stdin-key-77a1");
        assertThat(savedKey("fromstdin")).isEqualTo("stdin-key-77a1");
    }

    @Test
    void addReadsTheKeyFromAnEnvironmentVariableOrAFile() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("key.txt"), "file-key-31\n");

        CliRun env = targets(Map.of("RELAY_TOKEN", TestRelay.TOKEN, "MY_KEY", "env-key-12"), "", "add", "--id",
                "fromenv", "--platform", "custom", "--url", "rtmp://127.0.0.1:9/e", "--key-env", "MY_KEY");
        CliRun file = targets("add", "--id", "fromfile", "--url", "rtmp://127.0.0.1:9/f", "--key-file",
                keyFile.toString(), "--rendition", "source");

        assertThat(env.code()).as(env.err()).isEqualTo(0);
        assertThat(file.code()).as(file.err()).isEqualTo(0);
        assertThat(savedKey("fromenv")).isEqualTo("env-key-12");
        assertThat(savedKey("fromfile")).isEqualTo("file-key-31");
    }

    @Test
    void aKeyOnTheCommandLineIsAUsageError() {
        CliRun r = targets("add", "--id", "leaky", "--url", "rtmp://127.0.0.1:9/l", "--key", "plain-key-on-argv");

        assertThat(r.code()).isEqualTo(64);
        assertThat(r.err()).contains("--key takes only '-'").doesNotContain("plain-key-on-argv");
        assertThat(relay.get("/api/v1/targets/leaky").statusCode()).isEqualTo(404);
    }

    @Test
    void addWithoutPlatformOrUrlIsAUsageError() {
        assertThat(targets("add", "--id", "nowhere").code()).isEqualTo(64);
        assertThat(targets("add", "--url", "rtmp://x/y").code()).isEqualTo(64);
    }

    @Test
    void aDuplicateIdFailsWithOneLine() {
        CliRun r = targets("add", "--id", "alpha", "--url", "rtmp://127.0.0.1:9/d");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("relay: target 'alpha' already exists" + System.lineSeparator());
    }

    @Test
    void aTargetTheRelayCannotPublishToFailsWithOneLine() {
        CliRun r = targets("add", "--id", "nokey", "--url", "rtmp://127.0.0.1:9/app");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l).startsWith("relay: ")
                .doesNotContain("already exists"));
    }

    @Test
    void anUnknownIdFailsWithOneLine() {
        for (String action : new String[] {"remove", "enable", "disable", "restart"}) {
            CliRun r = targets(action, "ghost");
            assertThat(r.code()).as(action).isEqualTo(1);
            assertThat(r.err()).as(action).isEqualTo("relay: no target 'ghost'" + System.lineSeparator());
        }
    }

    @Test
    void disableEnableRestartAndRemoveTakeEffect() {
        CliRun added = targets(ENV, "cycled-key\n", "add", "--id", "cycled", "--url", "rtmp://127.0.0.1:9/c",
                "--key", "-");
        assertThat(added.code()).as(added.err()).isEqualTo(0);

        assertThat(targets("disable", "cycled").out()).contains("target 'cycled' disabled");
        assertThat(relay.get("/api/v1/targets/cycled").body()).contains("\"enabled\":false");
        assertThat(targets("enable", "cycled").code()).isEqualTo(0);
        assertThat(relay.get("/api/v1/targets/cycled").body()).contains("\"enabled\":true");
        assertThat(targets("restart", "cycled").code()).isEqualTo(0);
        CliRun removed = targets("remove", "cycled");
        assertThat(removed.code()).isEqualTo(0);
        assertThat(removed.out()).contains("target 'cycled' removed");
        assertThat(relay.get("/api/v1/targets/cycled").statusCode()).isEqualTo(404);
    }

    @Test
    void aBadTokenFailsWithOneLineAndNoToken() {
        CliRun r = targets(Map.of("RELAY_TOKEN", "wrong-token-5150"), "", "list");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l)
                .contains("refused the token").doesNotContain("wrong-token-5150"));
    }

    @Test
    void anUnreachableRelayFailsWithOneLine() {
        CliRun r = CliRun.run(ENV, "targets", "list", "--control", "http://127.0.0.1:" + TestRelay.closedPort());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l).contains("cannot reach the relay"));
    }

    @Test
    void theTokenComesFromATokenFileOrTheConfig() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TestRelay.TOKEN + "\n");
        Path config = Files.writeString(dir.resolve("relay.yaml"), "control:\n  listen: "
                + relay.url().substring("http://".length()) + "\n  token: ${env:MY_TOKEN}\n");

        CliRun fromFile = CliRun.run(Map.of(), "targets", "list", "--control", relay.url(), "--token-file",
                tokenFile.toString());
        CliRun fromConfig = CliRun.run(Map.of("MY_TOKEN", TestRelay.TOKEN), "targets", "list", "--config",
                config.toString());
        CliRun none = CliRun.run(Map.of(), "targets", "list", "--control", relay.url());

        assertThat(fromFile.code()).as(fromFile.err()).isEqualTo(0);
        assertThat(fromConfig.code()).as(fromConfig.err()).isEqualTo(0);
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no API token");
    }

    @Test
    void theConfigsListenAndTokenAreSubstitutedAsTheRelaySubstitutesThem() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("substituted-token"), TestRelay.TOKEN + "\n");
        Path config = Files.writeString(dir.resolve("substituted.yaml"), "control:\n  listen: ${env:MY_LISTEN}\n"
                + "  token: ${file:" + tokenFile + "}\n");

        CliRun r = CliRun.run(Map.of("MY_LISTEN", relay.url().substring("http://".length())), "targets", "list",
                "--config", config.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("alpha");
    }

    @Test
    void aConfigTokenWhoseVariableIsUnsetFailsWithTheErrorTheConfigGives() throws Exception {
        Path config = Files.writeString(dir.resolve("unset.yaml"), "control:\n  listen: "
                + relay.url().substring("http://".length()) + "\n  token: ${env:UNSET_TOKEN_VAR}\n");
        Problem loaderSays = new ConfigLoader(name -> null).load(config).errors().stream()
                .filter(p -> p.path().equals("control.token")).findFirst().orElseThrow();

        CliRun r = CliRun.run(Map.of(), "targets", "list", "--config", config.toString());

        assertThat(loaderSays.message()).isEqualTo("environment variable UNSET_TOKEN_VAR is not set");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement()
                .isEqualTo("relay: --config " + config + ": " + loaderSays);
    }

    @Test
    void relayTokenWinsOverAConfigTokenThatCannotBeSubstitutedHere() throws Exception {
        Path config = Files.writeString(dir.resolve("elsewhere.yaml"), "control:\n  listen: "
                + relay.url().substring("http://".length()) + "\n  token: ${file:/run/secrets/on-the-relay-host}\n");

        CliRun r = CliRun.run(ENV, "targets", "list", "--config", config.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(0);
    }

    @Test
    void aTokenFileThatIsNotThereFailsWithOneLineNamingIt() {
        Path missing = dir.resolve("no-such-token");

        CliRun r = CliRun.run(Map.of(), "targets", "list", "--control", relay.url(), "--token-file",
                missing.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().isEqualTo("relay: --token-file: file " + missing
                + " does not exist or is not a regular file");
    }

    @Test
    void aConfigThatIsNotYamlFailsWithWhereItStopsParsing() throws Exception {
        Path config = Files.writeString(dir.resolve("broken.yaml"), "control:\n\tlisten: x\n");

        CliRun r = CliRun.run(ENV, "targets", "list", "--config", config.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("relay: --config " + config + ": not valid YAML at line 2"));
    }

    @Test
    void aControlUrlThatIsNoUrlIsAUsageError() {
        assertThat(CliRun.run(ENV, "targets", "list", "--control", "not a url").code()).isEqualTo(64);
    }
}
