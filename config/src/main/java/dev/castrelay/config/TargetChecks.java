package dev.castrelay.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks of one target against the renditions and the targets before it: id, URL, key, rendition, limits, then
 * the platform's rules. Messages quote no URL and no key: either may hold the secret.
 */
final class TargetChecks {

    /** A file every 3 s (tests) to one a day. */
    static final double MIN_SEGMENT_MINUTES = 0.05;
    static final double MAX_SEGMENT_MINUTES = 1440;

    private final Map<String, RenditionConfig> renditions;
    private final List<Problem> out;
    /** The archive directories of the config file, for targets added at runtime; null when checking the file. */
    private final Set<Path> fileArchives;

    TargetChecks(Map<String, RenditionConfig> renditions, List<Problem> out) {
        this(renditions, out, null);
    }

    TargetChecks(Map<String, RenditionConfig> renditions, List<Problem> out, Set<Path> fileArchives) {
        this.renditions = renditions;
        this.out = out;
        this.fileArchives = fileArchives;
    }

    /**
     * @param path   {@code targets[2]} in a file, {@code targets[id=foo]} at runtime
     * @param others the targets it must not clash with
     */
    void check(String path, TargetConfig t, List<TargetConfig> others) {
        id(path, t, others);
        if (t.platform() == null) {
            out.add(Problem.error(path + ".platform", "required: one of " + TargetReader.names()));
        }
        if (t.isArchive()) {
            archive(path, t);
        }
        boolean urlOk = !t.isArchive() && url(path + ".url", t);
        key(path + ".key", t);
        RenditionConfig rendition = rendition(path + ".rendition", t.rendition());
        if (t.tls() != null) {
            ConfigValidator.existingFile(t.tls().caFile(), path + ".tls.caFile", "CA file", out);
        }
        queue(path + ".queue", t.queue());
        if (t.reconnect() != null) {
            ConfigValidator.reconnect(path + ".reconnect", t.reconnect(), out);
        }
        if (t.platform() != null && urlOk && rendition != null) {
            out.addAll(PlatformRules.check(path, t, rendition));
        }
        if (t.hasKey() && t.publishUrl() != null) {
            for (TargetConfig other : others) {
                if (t.publishUrl().equals(other.publishUrl())) {
                    out.add(Problem.warning(path + ".key", "same URL and key as target \"" + other.id()
                            + "\": the platform takes only one publisher per key"));
                }
            }
        }
    }

    private void id(String path, TargetConfig t, List<TargetConfig> others) {
        if (t.id() == null || t.id().isEmpty()) {
            out.add(Problem.error(path + ".id", "required: a unique name such as youtube"));
            return;
        }
        if (!ConfigValidator.ID.matcher(t.id()).matches()) {
            out.add(Problem.error(path + ".id", "a target id is 1 to 64 letters, digits, '_', '-' or '.'"));
        }
        if (others.stream().anyMatch(o -> t.id().equals(o.id()))) {
            out.add(Problem.error(path + ".id", "duplicate id \"" + t.id() + "\": another target already has it"));
        }
    }

    /** True when the URL is usable enough for the platform rules to look at its scheme. */
    private boolean url(String path, TargetConfig t) {
        String url = t.effectiveUrl();
        if (url == null) {
            if (t.platform() == null) {
                return false;
            }
            out.add(Problem.error(path, switch (t.platform()) {
                case INSTAGRAM -> "required: instagram issues a URL per broadcast (rtmps://...fbcdn.net:443/rtmp/)";
                case LINKEDIN -> "required: linkedin issues a URL per event";
                default -> "required: the rtmp:// or rtmps:// URL to publish to";
            }));
            return false;
        }
        String problem = urlProblem(url);
        if (problem != null) {
            out.add(Problem.error(path, problem));
            return false;
        }
        return true;
    }

    /** What is wrong with an RTMP URL, or null. Parsed by hand: hosts with '_' are legal here but not to URI. */
    static String urlProblem(String url) {
        int sep = url.indexOf("://");
        String scheme = sep < 0 ? "" : url.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("rtmp") && !scheme.equals("rtmps")) {
            return "expected an rtmp:// or rtmps:// URL" + (sep < 0 ? "" : "; got " + scheme + "://");
        }
        int end = sep + 3;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(sep + 3, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        String host = authority;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            host = close < 0 ? "" : authority.substring(1, close);
            port = close >= 0 && authority.startsWith(":", close + 1) ? authority.substring(close + 2) : null;
        } else if (authority.contains(":")) {
            host = authority.substring(0, authority.indexOf(':'));
            port = authority.substring(authority.indexOf(':') + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            return "expected a host after " + scheme + "://";
        }
        if (port != null && !(port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1
                && Integer.parseInt(port) <= 65_535)) {
            return "expected a port 1..65535 after the host";
        }
        if (url.chars().anyMatch(Character::isWhitespace)) {
            return "a URL cannot hold spaces or line breaks";
        }
        return null;
    }

    /**
     * An archive target: a {@code file:///} directory that exists and takes a file now (tried, not guessed from
     * permissions: root passes every permission check, a read-only mount none), no key, sane limits. At runtime,
     * only a directory the config file already gives an archive target ({@code fileArchives}): a token holder
     * cannot make the relay write anywhere else.
     */
    private void archive(String path, TargetConfig t) {
        String url = t.effectiveUrl();
        ArchiveConfig a = t.archive();
        if (a != null) {
            if (!(a.segmentMinutes() >= MIN_SEGMENT_MINUTES && a.segmentMinutes() <= MAX_SEGMENT_MINUTES)) {
                out.add(Problem.error(path + ".segmentMinutes", "expected " + MIN_SEGMENT_MINUTES + " to "
                        + MAX_SEGMENT_MINUTES + " minutes; got " + a.segmentMinutes()));
            }
            ConfigValidator.range(a.minFreeMB(), 0, Long.MAX_VALUE / (1 << 20), path + ".minFreeMB", out);
        }
        if (t.hasKey()) {
            out.add(Problem.error(path + ".key", "an archive takes no key: remove it"));
        }
        if (url == null) {
            out.add(Problem.error(path + ".url", "required: the directory to record into, e.g. "
                    + "file:///var/lib/relay/archive/"));
            return;
        }
        String problem = ArchiveConfig.urlProblem(url);
        if (problem != null) {
            out.add(Problem.error(path + ".url", problem));
            return;
        }
        Path dir = ArchiveConfig.directory(url);
        if (fileArchives != null && !fileArchives.contains(dir)) {
            out.add(Problem.error(path + ".url", "an archive added while the relay runs may only use a directory "
                    + "the config file gives an archive target" + (fileArchives.isEmpty() ? " (it gives none)"
                    : ": " + fileArchives.stream().map(d -> d.toUri().toString()).sorted()
                    .collect(Collectors.joining(", ")))));
            return;
        }
        String unusable = ArchiveDirectory.problem(dir);
        if (unusable != null) {
            out.add(Problem.error(path + ".url", unusable));
        }
    }

    private void key(String path, TargetConfig t) {
        if (!t.hasKey()) {
            if (t.platform() != null && PlatformRules.of(t.platform()).needsKey()) {
                out.add(Problem.error(path, "required: " + t.platform().id() + " needs a stream key, e.g. key: "
                        + "${env:" + t.platform().name() + "_KEY}"));
            }
            return;
        }
        if (t.key().chars().anyMatch(Character::isWhitespace)) {
            // Usually a key file saved with a stray space or a Windows line end.
            out.add(Problem.error(path, "the key holds a space or a line break; platforms would reject it"));
        }
    }

    private RenditionConfig rendition(String path, String id) {
        if (renditions.isEmpty()) {
            // Already reported at "renditions": saying it again for every target only adds noise.
            return null;
        }
        if (id == null) {
            out.add(Problem.error(path, "required: the id of a rendition (" + String.join(", ", renditions.keySet())
                    + ")"));
            return null;
        }
        RenditionConfig rendition = renditions.get(id);
        if (rendition == null) {
            out.add(Problem.error(path, "no rendition \"" + id + "\"; defined: " + String.join(", ", renditions.keySet())));
        }
        return rendition;
    }

    private void queue(String path, QueueConfig q) {
        if (q == null) {
            out.add(Problem.error(path, "required (Defaults.queue() when building in code)"));
            return;
        }
        ConfigValidator.range(q.maxMillis(), 1, Long.MAX_VALUE, path + ".maxMillis", out);
        ConfigValidator.range(q.maxBytes(), 1, Long.MAX_VALUE, path + ".maxBytes", out);
        ConfigValidator.range(q.stallSeconds(), 1, Integer.MAX_VALUE, path + ".stallSeconds", out);
    }
}
