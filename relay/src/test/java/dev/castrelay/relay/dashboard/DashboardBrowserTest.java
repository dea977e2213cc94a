package dev.castrelay.relay.dashboard;

import dev.castrelay.config.AudioConfig;
import dev.castrelay.config.ControlConfig;
import dev.castrelay.config.Defaults;
import dev.castrelay.config.Fit;
import dev.castrelay.config.IngestConfig;
import dev.castrelay.config.Platform;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.config.VideoConfig;
import dev.castrelay.relay.control.RelayService;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.targets.PusherSettings;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.FreePorts;
import dev.castrelay.testkit.NginxRtmpSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (headless Chromium) against a relay streaming to nginx-rtmp sinks. The steps
 * build on each other like an operator's session; each is its own test, run in order, with a screenshot saved to
 * {@code relay/target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final String TOKEN = "dash-token-51c0ffee";
    private static final String BACKUP_KEY = "backup-ingest-1f7e";
    private static final String INGEST_KEY = "dash-ingest-7e11a";
    private static final Map<String, String> KEYS = Map.of("alpha", "key-alpha-0a1b", "bravo", "key-bravo-2c3d",
            "charlie", "key-charlie-4e5f");
    private static final String ADDED_KEY = "key-added-6a7b";
    /** Short limits so a frozen platform shows within seconds: a 1 s queue, a 64 KiB socket buffer. */
    private static final PusherSettings SETTINGS = new PusherSettings(2_000, 64L << 20, 6_000, 300, 2_000, 2_000, 60_000,
            3, RtmpLimits.DEFAULT);

    @TempDir
    static Path dir;
    private final Map<String, NginxRtmpSink> sinks = new LinkedHashMap<>();
    private NginxRtmpSink spare;
    private RelayService relay;
    private FfmpegPublisher encoder;
    private Browser browser;
    private String page;
    private RelayConfig config;

    @BeforeAll
    void goLive() throws Exception {
        List<TargetConfig> targets = new ArrayList<>();
        for (String id : KEYS.keySet().stream().sorted().toList()) {
            NginxRtmpSink sink = NginxRtmpSink.start();
            sinks.put(id, sink);
            targets.add(new TargetConfig(id, Platform.CUSTOM, sink.url() + "/", KEYS.get(id), "source", true, null,
                    Defaults.queue()));
        }
        spare = NginxRtmpSink.start();
        Map<String, RenditionConfig> renditions = new LinkedHashMap<>();
        renditions.put("source", new RenditionConfig("source", true, null, null));
        // A small transcoded rendition: the dashboard's rendition panel and the ingest thumbnail come from it.
        renditions.put("preview", new RenditionConfig("preview", false,
                new VideoConfig("h264", 320, 180, Fit.PAD, 15, 300_000, 2, "ultrafast", "main"),
                new AudioConfig("aac", 64_000, 48_000, 2)));
        RelayConfig config = new RelayConfig(new IngestConfig("127.0.0.1:0", "live", INGEST_KEY,
                Defaults.rtmpLimits(), BACKUP_KEY, null),
                new ControlConfig("127.0.0.1:" + FreePorts.next(), TOKEN, false),
                dir.resolve("state.json").toString(), Defaults.slate(), null, renditions, targets);
        this.config = config;
        relay = RelayService.start(config, SETTINGS);
        encoder = FfmpegPublisher.builder().size(640, 360).untilStopped()
                .publish("rtmp://127.0.0.1:" + relay.relay().ingestAddress().getPort() + "/live/" + INGEST_KEY);
        page = relay.control().url() + "/";
        browser = new Browser(dir.resolve("chromium"), Path.of("target", "screenshots"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        if (relay != null) {
            relay.close();
        }
        sinks.values().forEach(NginxRtmpSink::close);
        if (spare != null) {
            spare.close();
        }
    }

    private WebElement card(String id) {
        return browser.driver.findElement(By.cssSelector("[data-id='" + id + "']"));
    }

    private String cardState(String id) {
        List<WebElement> found = browser.driver.findElements(By.cssSelector("[data-id='" + id + "']"));
        return found.isEmpty() ? "absent" : found.get(0).getAttribute("data-state");
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedWithAMessage() {
        browser.driver.get(page);
        browser.driver.findElement(By.id("token")).sendKeys("not-the-token");
        browser.driver.findElement(By.cssSelector("#login-form button")).click();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                browser.driver.findElement(By.id("login-error")).getText().contains("Wrong token"));
        browser.screenshot("01-wrong-token");
    }

    @Test
    @Order(2)
    void everyTargetShowsLiveWithTheIngestPicture() {
        browser.driver.findElement(By.id("token")).sendKeys(TOKEN);
        browser.driver.findElement(By.cssSelector("#login-form button")).click();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                KEYS.keySet().stream().allMatch(id -> cardState(id).equals("live")));
        await().atMost(Duration.ofSeconds(15)).until(() ->
                browser.driver.findElement(By.id("thumb")).getAttribute("hidden") == null);
        assertThat(browser.driver.findElement(By.id("ingest-state")).getText()).isEqualTo("live");
        assertThat(browser.driver.findElement(By.id("renditions")).getText()).contains("preview");
        browser.screenshot("02-all-live-1440x900");
    }

    @Test
    @Order(3)
    void theOperatorSeesBothInputsAndPinsOneWithTheSwitch() {
        await().atMost(Duration.ofSeconds(5)).until(() ->
                browser.driver.findElement(By.id("inputs")).getAttribute("hidden") == null);
        String rows = browser.driver.findElement(By.id("input-rows")).getText();
        assertThat(rows).contains("primary (on air)").contains("backup").contains("waiting");
        assertThat(browser.driver.findElement(By.id("status")).getText()).as("status with the backup absent")
                .isEqualTo("WARNING");
        assertThat(switchChosen()).isEqualTo("auto");
        browser.driver.findElement(By.cssSelector("#inputs .switch button[data-input=backup]")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> "backup".equals(switchChosen()));
        assertThat(relay.relay().inputs().mode().id()).isEqualTo("pinned");
        browser.screenshot("03-inputs-pinned");
        browser.driver.findElement(By.cssSelector("#inputs .switch button[data-input=auto]")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> "auto".equals(switchChosen()));
        assertThat(relay.relay().inputs().mode().id()).isEqualTo("auto");
        assertThat(browser.driver.findElement(By.id("ingest-state")).getText()).isEqualTo("live");
    }

    private String switchChosen() {
        List<WebElement> chosen = browser.driver.findElements(By.cssSelector("#inputs .switch button.chosen"));
        return chosen.isEmpty() ? null : chosen.get(0).getAttribute("data-input");
    }

    @Test
    @Order(4)
    void aPhoneWidthScreenShowsTheSamePageWithoutSidewaysScrolling() {
        browser.size(390, 844);
        await().atMost(Duration.ofSeconds(3)).until(() -> ((Number) browser.driver.executeScript(
                "return document.documentElement.scrollWidth")).intValue() <= 390);
        assertThat(card("alpha").isDisplayed()).isTrue();
        browser.screenshot("03-all-live-390x844");
        browser.size(1440, 900);
    }

    @Test
    @Order(5)
    void aFrozenPlatformTurnsItsCardAmberOrRedWithinFiveSeconds() throws Exception {
        sinks.get("bravo").freezeWorker();
        try {
            long frozenAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                    List.of("degraded", "reconnecting", "failed").contains(cardState("bravo")));
            System.out.printf("bravo's card changed %.1f s after the freeze%n", (System.nanoTime() - frozenAt) / 1e9);
            assertThat(card("bravo").getCssValue("border-left-color")).isNotEqualTo(
                    card("alpha").getCssValue("border-left-color"));
            browser.screenshot("04-frozen-platform");
            assertThat(cardState("alpha")).isEqualTo("live");
        } finally {
            sinks.get("bravo").thawWorker();
        }
    }

    @Test
    @Order(6)
    void aTargetAddedFromTheFormGoesLive() {
        var form = browser.driver.findElement(By.id("add-form"));
        form.findElement(By.name("id")).sendKeys("added");
        form.findElement(By.xpath(".//select[@name='platform']/option[text()='custom']")).click();
        form.findElement(By.name("url")).sendKeys(spare.url() + "/");
        form.findElement(By.name("key")).sendKeys(ADDED_KEY);
        form.findElement(By.name("rendition")).sendKeys("source");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> cardState("added").equals("live"));
        assertThat(form.findElement(By.name("key")).getAttribute("value")).as("the key field is write-only").isEmpty();
        browser.screenshot("05-target-added");
    }

    @Test
    @Order(7)
    void removingATargetAfterConfirmationMakesItsCardGo() {
        card("charlie").findElement(By.cssSelector("button.remove")).click();
        browser.driver.switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(5)).until(() -> cardState("charlie").equals("absent"));
        browser.screenshot("06-target-removed");
    }

    @Test
    @Order(8)
    void noKeyOrTokenAppearsInThePageItsResponsesOrItsConsole() throws Exception {
        List<String> secrets = new ArrayList<>(KEYS.values());
        secrets.add(ADDED_KEY);
        secrets.add(TOKEN);
        secrets.add(INGEST_KEY);
        secrets.add(BACKUP_KEY);
        StringBuilder seen = new StringBuilder(browser.driver.getPageSource());
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/dashboard/app.js", "/api/v1/health", "/api/v1/targets")) {
            seen.append(http.send(HttpRequest.newBuilder(URI.create(relay.control().url() + path))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        for (LogEntry e : browser.driver.manage().logs().get(LogType.BROWSER)) {
            seen.append(e.getMessage()).append('\n');
        }
        for (String secret : secrets) {
            assertThat(seen.toString()).doesNotContain(secret);
        }
    }

    @Test
    @Order(9)
    void duringTheSlateTheThumbnailIsTheSlate() throws Exception {
        double live = uniformShare(thumbnail());
        encoder.close(); // the encoder goes away: the slate goes on air
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.relay().health().renditions().stream()
                .anyMatch(r -> r.id().equals("preview") && r.state() == dev.castrelay.transcoder.RenditionState.SLATE));
        // The thumbnail is made from the picture on air: within a refresh or two it is the slate card (one colour
        // with a line of text), where the live test pattern is many colours.
        await().atMost(Duration.ofSeconds(10)).until(() -> uniformShare(thumbnail()) > 0.8);
        System.out.printf("thumbnail pixels in the background colour: live %.2f, slate %.2f%n", live,
                uniformShare(thumbnail()));
        assertThat(live).as("the live picture is not mistaken for the slate").isLessThan(0.5);
        await().atMost(Duration.ofSeconds(8)).until(() ->
                browser.driver.findElement(By.id("thumb")).getAttribute("hidden") == null
                        && browser.driver.findElement(By.id("ingest-state")).getText().equals("lost"));
        browser.screenshot("08-slate-on-air");
    }

    private byte[] thumbnail() throws Exception {
        HttpResponse<byte[]> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(relay.control().url() + "/api/v1/thumbnail")).header("Authorization", "Bearer " + TOKEN)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    /** The share of a picture's pixels within a small distance of its top-left pixel's colour. */
    private static double uniformShare(byte[] jpeg) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
        int ref = img.getRGB(2, 2);
        long near = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int d = Math.abs((p >> 16 & 255) - (ref >> 16 & 255)) + Math.abs((p >> 8 & 255) - (ref >> 8 & 255))
                        + Math.abs((p & 255) - (ref & 255));
                near += d < 40 ? 1 : 0;
            }
        }
        return (double) near / ((long) img.getWidth() * img.getHeight());
    }

    @Test
    @Order(10)
    void whenTheRelayGoesAwayThePageSaysSoAndReconnectsByItself() throws Exception {
        relay.close();
        // A dead relay never looks live: within 3 s every card is greyed and a banner says how old the data is.
        await().atMost(Duration.ofSeconds(3)).until(() ->
                browser.driver.findElement(By.id("main")).getAttribute("class").contains("stale"));
        assertThat(browser.driver.findElement(By.id("stale")).getText()).contains("Relay unreachable")
                .contains("s ago");
        assertThat(browser.driver.findElement(By.id("status")).getText()).isEqualTo("UNKNOWN");
        assertThat(browser.driver.findElement(By.id("link")).getText()).contains("unreachable");
        browser.screenshot("07-relay-gone");
        relay = RelayService.start(config, SETTINGS); // same control port; the state file brings the targets back
        await().atMost(Duration.ofSeconds(15)).until(() ->
                browser.driver.findElement(By.id("link")).getText().equals("live"));
        assertThat(browser.driver.findElement(By.id("main")).getAttribute("class")).doesNotContain("stale");
        await().atMost(Duration.ofSeconds(5)).until(() -> cardState("added").equals("waiting"));
        assertThat(cardState("charlie")).as("removed before the restart, so still gone").isEqualTo("absent");
    }
}
