package dev.castrelay.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one validation pass over a {@link RelayConfig}: every value range, cross reference and platform rule,
 * collecting every problem rather than stopping at the first. {@link ConfigLoader} runs it after reading a file;
 * code that builds a config itself can run it directly, and the control API runs {@link #validateNewTarget} on
 * a target added at runtime.
 */
public final class ConfigValidator {

    /** Ids appear in API paths, metrics labels and logs: keep them to plain characters. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private ConfigValidator() {
    }

    /** Every problem of {@code config}; paths as the file spells them ({@code targets[2].url}). */
    public static List<Problem> validate(RelayConfig config) {
        List<Problem> out = new ArrayList<>();
        ingest(config.ingest(), out);
        control(config.control(), out);
        reconnect("reconnect", config.reconnect(), out);
        stateFile(config.stateFile(), out);
        slate(config.slate(), out);
        if (config.tls() != null) {
            existingFile(config.tls().caFile(), "tls.caFile", "CA file", out);
        }
        if (config.renditions().isEmpty()) {
            out.add(Problem.error("renditions", "at least one rendition is required, e.g. "
                    + "renditions: { source: { passthrough: true } }"));
        }
        for (int i = 0; i < config.alerts().size(); i++) {
            alert(Problems.index("alerts", i), config.alerts().get(i), out);
        }
        config.renditions().forEach((id, r) -> RenditionChecks.check(Problems.child("renditions", id), id, r, out));
        TargetChecks targets = new TargetChecks(config.renditions(), out);
        for (int i = 0; i < config.targets().size(); i++) {
            targets.check(Problems.index("targets", i), config.targets().get(i), config.targets().subList(0, i));
        }
        return out;
    }

    /**
     * The problems of a target added at runtime to a running {@code config}: the same rules as in the file, plus
     * a unique id. Paths look like {@code targets[id=foo].url}.
     */
    public static List<Problem> validateNewTarget(RelayConfig config, TargetConfig target) {
        return validateNewTarget(config, target, config);
    }

    /**
     * As {@link #validateNewTarget(RelayConfig, TargetConfig)}; an archive target may use only a directory that
     * {@code file} (the config file as loaded) gives an archive target.
     */
    public static List<Problem> validateNewTarget(RelayConfig running, TargetConfig target, RelayConfig file) {
        List<Problem> out = new ArrayList<>();
        new TargetChecks(running.renditions(), out, archiveDirectories(file)).check(runtimePath(target.id()), target,
                running.targets());
        return out;
    }

    /** The directories the archive targets of {@code config} record into. */
    public static Set<Path> archiveDirectories(RelayConfig config) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (TargetConfig t : config.targets()) {
            Path dir = t.isArchive() ? ArchiveConfig.directory(t.effectiveUrl()) : null;
            if (dir != null) {
                dirs.add(dir);
            }
        }
        return dirs;
    }

    static String runtimePath(String id) {
        return "targets[id=" + (id == null ? "" : id) + "]";
    }

    private static void ingest(IngestConfig ingest, List<Problem> out) {
        if (ingest == null) {
            out.add(Problem.error("ingest", "required: at least ingest.streamKey"));
            return;
        }
        listen(ingest.listen(), "ingest.listen", out);
        if (ingest.app() == null || ingest.app().isBlank() || ingest.app().contains("/")) {
            out.add(Problem.error("ingest.app", "expected an RTMP application name without '/', e.g. live"));
        }
        if (ingest.streamKey() == null || ingest.streamKey().isEmpty()) {
            out.add(Problem.error("ingest.streamKey", "required and not empty: encoders must present a key"));
        }
        if (ingest.hasBackup()) {
            if (ingest.backupKey().isEmpty()) {
                out.add(Problem.error("ingest.backup.streamKey", "required and not empty: the backup encoder's key"));
            } else if (ingest.backupKey().equals(ingest.streamKey())) {
                out.add(Problem.error("ingest.backup.streamKey", "must differ from ingest.streamKey: the relay tells "
                        + "the two encoders apart by their keys"));
            }
        }
        range(ingest.failover().lossMillis(), 100, 60_000, "ingest.failover.lossMillis", out);
        range(ingest.failover().returnAfterSeconds(), 0, 3_600, "ingest.failover.returnAfterSeconds", out);
        if (ingest.srt() != null) {
            srt(ingest.srt(), out);
        }
        RtmpLimitsConfig l = ingest.limits();
        if (l == null) {
            out.add(Problem.error("ingest.limits", "required (Defaults.rtmpLimits() when building in code)"));
            return;
        }
        // RTMP's message length is 24 bits: nothing larger can even be announced.
        range(l.maxChunkSize(), 128, 0xFF_FFFF, "ingest.limits.maxChunkSize", out);
        range(l.maxMessageSize(), 1, 0xFF_FFFF, "ingest.limits.maxMessageSize", out);
        // Chunk stream ids go up to 65599 (RTMP spec 5.3.1.1).
        range(l.maxChunkStreams(), 1, 65_599, "ingest.limits.maxChunkStreams", out);
        range(l.handshakeTimeoutMs(), 1, Long.MAX_VALUE, "ingest.limits.handshakeTimeoutMs", out);
        range(l.idleTimeoutMs(), 1, Long.MAX_VALUE, "ingest.limits.idleTimeoutMs", out);
        // Past a second of batching, the relay itself would be a noticeable part of the platforms' delay.
        range(l.readIntervalMs(), 0, 1_000, "ingest.limits.readIntervalMs", out);
        range(l.readBufferBytes(), 4_096, 64 * 1024 * 1024, "ingest.limits.readBufferBytes", out);
        range(l.maxBufferedBytes(), l.maxMessageSize(), Integer.MAX_VALUE, "ingest.limits.maxBufferedBytes", out);
        range(l.commandBufferedBytes(), 4_096, l.maxBufferedBytes(), "ingest.limits.commandBufferedBytes", out);
        range(l.publishTimeoutMs(), 1, Long.MAX_VALUE, "ingest.limits.publishTimeoutMs", out);
        range(l.maxUnauthenticated(), 1, 100_000, "ingest.limits.maxUnauthenticated", out);
        range(l.maxUnauthenticatedPerAddress(), 1, 100_000, "ingest.limits.maxUnauthenticatedPerAddress", out);
        if (l.receiveBufferBytes() != 0) {
            range(l.receiveBufferBytes(), 65_536, 256 * 1024 * 1024, "ingest.limits.receiveBufferBytes", out);
        }
    }

    private static void control(ControlConfig control, List<Problem> out) {
        if (control == null) {
            out.add(Problem.error("control", "required: at least control.token"));
            return;
        }
        listen(control.listen(), "control.listen", out);
        if (control.token() == null || control.token().isEmpty()) {
            out.add(Problem.error("control.token", "required and not empty: the API's bearer token"));
        }
    }

    private static void stateFile(String stateFile, List<Problem> out) {
        if (stateFile == null || stateFile.isBlank()) {
            out.add(Problem.error("stateFile", "required: where runtime changes to targets are saved"));
            return;
        }
        try {
            Path parent = Path.of(stateFile).toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                out.add(Problem.warning("stateFile", "directory " + parent + " does not exist: runtime changes "
                        + "to targets cannot be saved until it does"));
            }
        } catch (InvalidPathException e) {
            out.add(Problem.error("stateFile", "\"" + stateFile + "\" is not a valid file path"));
        }
    }

    private static void slate(SlateConfig slate, List<Problem> out) {
        if (slate == null) {
            out.add(Problem.error("slate", "required (Defaults.slate() when building in code)"));
            return;
        }
        existingFile(slate.image(), "slate.image", "slate image", out);
        if (slate.maxSeconds() < 0) {
            out.add(Problem.error("slate.maxSeconds", "expected 0 or more seconds; got " + slate.maxSeconds()));
        }
    }

    private static void alert(String path, AlertConfig alert, List<Problem> out) {
        if (alert.url() != null) {
            // Never quoted whole: a webhook URL often holds its token (Slack's path does).
            String problem = httpUrlProblem(alert.url());
            if (problem != null) {
                out.add(Problem.error(path + ".url", problem + "; got " + alert.maskedUrl()));
            }
        }
        if (alert.format() == null) {
            out.add(Problem.error(path + ".format", "expected json or slack"));
        }
        // An hour: past that, an operator learns of the outage from the audience first.
        range(alert.downSeconds(), 1, 3_600, path + ".downSeconds", out);
        if (alert.tls() != null) {
            existingFile(alert.tls().caFile(), path + ".tls.caFile", "CA file", out);
        }
    }

    /** Why {@code url} is not an {@code http(s)://host[:port]/path} URL, or null when it is one. */
    static String httpUrlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "not a valid URL (" + e.getReason() + ")";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "expected an http:// or https:// URL";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "expected a host name after " + scheme + "://";
        }
        return null;
    }

    private static void srt(SrtConfig srt, List<Problem> out) {
        try {
            if (ListenAddress.parse(srt.listen()).port() == 0) {
                // The listener is opened again after each caller it accepts (see SrtIngestServer): on port 0 every
                // opening would get another port, and encoders could not find it.
                out.add(Problem.error("ingest.srt.listen", "port 0 cannot be used for SRT: give the port encoders "
                        + "call, e.g. 0.0.0.0:9000"));
            }
        } catch (IllegalArgumentException e) {
            out.add(Problem.error("ingest.srt.listen", e.getMessage()));
        }
        // Below 20 ms not even a LAN retransmits in time; past 10 s the platforms' delay would be absurd.
        range(srt.latencyMillis(), 20, 10_000, "ingest.srt.latencyMillis", out);
        String pass = srt.passphrase();
        if (pass != null && (pass.length() < 10 || pass.length() > 79)) {
            // SRT's own bounds (SRTO_PASSPHRASE); the length only, never the passphrase itself.
            out.add(Problem.error("ingest.srt.passphrase", "expected 10 to 79 characters, got " + pass.length()
                    + " (SRT's limits for its AES key derivation)"));
        }
    }

    static void listen(String listen, String path, List<Problem> out) {
        try {
            ListenAddress.parse(listen);
        } catch (IllegalArgumentException e) {
            out.add(Problem.error(path, e.getMessage()));
        }
    }

    /** Reports a file that is given but cannot be read. Relative paths are relative to the working directory. */
    static void existingFile(String file, String path, String what, List<Problem> out) {
        if (file == null) {
            return;
        }
        try {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                out.add(Problem.error(path, what + " " + file + " does not exist or is not a regular file"));
            } else if (!Files.isReadable(p)) {
                out.add(Problem.error(path, what + " " + file + " is not readable"));
            }
        } catch (InvalidPathException e) {
            out.add(Problem.error(path, "\"" + file + "\" is not a valid file path"));
        }
    }

    static void reconnect(String path, ReconnectConfig r, List<Problem> out) {
        // Up to an hour between tries: past that a target is effectively off, which disable says better.
        range(r.maxSeconds(), 1, 3_600, path + ".maxSeconds", out);
        range(r.refusedMaxSeconds(), Math.max(1, r.maxSeconds()), 3_600, path + ".refusedMaxSeconds", out);
        range(r.maxRefusals(), 1, 1_000, path + ".maxRefusals", out);
    }

    static void range(long value, long min, long max, String path, List<Problem> out) {
        if (value < min || value > max) {
            out.add(Problem.error(path, max == Long.MAX_VALUE
                    ? "expected at least " + min + "; got " + value
                    : "expected " + min + ".." + max + "; got " + value));
        }
    }
}
