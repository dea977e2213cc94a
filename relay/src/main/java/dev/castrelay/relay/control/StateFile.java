package dev.castrelay.relay.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.Problem;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.config.TargetResult;
import dev.castrelay.ingest.InputRole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code stateFile}: the targets as runtime changes left them, so a restarted relay comes back with the same
 * targets. The file ({@link StateDocument}) holds the whole current list, shaped like {@code targets} in
 * {@code relay.yaml} (keys included: it is a secret store like the config, written with 0600 permissions), plus
 * which ids were added at runtime and which targets of the config were removed at runtime.
 *
 * <p>It also keeps the operator's pin of the ingest input ({@code relay ingest use}), so a restarted relay does not
 * fall back to automatic failover on its own; no {@code ingest.pin} means automatic.
 *
 * <p>On start ({@link #resolve}): targets added at runtime come back as saved; targets of the config come from
 * the config (so a key rotated through {@code ${env:}} takes effect) with their saved {@code enabled} flag; a
 * config target removed at runtime stays removed; a target new in the config is added. A file that cannot be
 * read, parsed or validated is refused and left untouched: the relay does not start.
 *
 * <p>Writes are atomic: a temporary file in the same directory, fsync, rename over the old file, fsync of the
 * directory. A crash leaves either the old or the new file, never half of one.
 */
public final class StateFile {

    static final int FORMAT = 1;
    /** Far above any real target list; a larger file is refused before parsing. */
    static final long MAX_BYTES = 4L * 1024 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path file;

    public StateFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path path() {
        return file;
    }

    /**
     * What the relay starts with: the targets in order, which came from the config (the rest were added at
     * runtime), and which config targets stay removed.
     */
    public record Resolved(List<TargetConfig> targets, Set<String> fromConfig, Set<String> removedFromConfig,
                           InputRole inputPin) {

        public Resolved {
            targets = List.copyOf(targets);
            fromConfig = Set.copyOf(fromConfig);
            removedFromConfig = Set.copyOf(removedFromConfig);
        }
    }

    /**
     * Applies the saved state, if any, to {@code config}'s targets.
     *
     * @throws ControlException when the file exists but cannot be used; it is left as it is
     */
    public Resolved resolve(RelayConfig config) {
        if (!Files.exists(file)) {
            return new Resolved(config.targets(), ids(config.targets()), Set.of(), null);
        }
        StateDocument doc = read();
        Set<String> added = new LinkedHashSet<>(doc.addedAtRuntime());
        Set<String> removed = new LinkedHashSet<>(doc.removedFromConfig());
        List<JsonNode> saved = doc.targets();
        if (saved == null) {
            throw refused("'targets' is missing");
        }
        List<TargetConfig> result = new ArrayList<>();
        Set<String> fromConfig = new LinkedHashSet<>();
        RelayConfig empty = config.withTargets(List.of());
        for (int i = 0; i < saved.size(); i++) {
            TargetResult r = ConfigLoader.readTarget(saved.get(i), empty.withTargets(result), config);
            if (!r.usable()) {
                throw refused("target #" + (i + 1) + " of " + saved.size() + ": " + r.errors().stream()
                        .map(Problem::toString)
                        .collect(Collectors.joining("; ")));
            }
            TargetConfig t = r.target();
            if (added.contains(t.id())) {
                result.add(t);
            } else {
                // A config target: the config's definition (fresh keys), the saved enabled flag. One that left
                // the config since is gone.
                config.target(t.id()).ifPresent(c -> {
                    result.add(c.withEnabled(t.enabled()));
                    fromConfig.add(c.id());
                });
            }
        }
        Set<String> present = ids(result);
        for (TargetConfig c : config.targets()) {
            if (!present.contains(c.id()) && !removed.contains(c.id())) {
                result.add(c);
                fromConfig.add(c.id());
            }
        }
        removed.retainAll(ids(config.targets()));
        return new Resolved(result, fromConfig, removed, inputPin(doc.ingest()));
    }

    private InputRole inputPin(StateDocument.Ingest ingest) {
        if (ingest == null || ingest.pin() == null) {
            return null;
        }
        InputRole role = InputRole.fromId(ingest.pin());
        if (role == null) {
            throw refused("'ingest.pin' is \"" + ingest.pin() + "\", expected \"primary\" or \"backup\"");
        }
        return role;
    }

    private StateDocument read() {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw refused("it has " + size + " bytes, more than the " + MAX_BYTES + " a state file may have");
            }
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (root == null || !root.isObject()) {
                throw refused("expected a JSON object with 'targets'");
            }
            if (root.path("format").asInt(-1) != FORMAT) {
                throw refused("expected \"format\": " + FORMAT + ", got " + root.path("format"));
            }
            return JSON.treeToValue(root, StateDocument.class);
        } catch (JsonMappingException e) {
            // Jackson's message may quote the value, which may be a key: give the place only.
            String where = JsonPlace.of(e);
            throw refused((where.isEmpty() ? "it" : "'" + where + "'")
                    + " does not hold what a state file holds there");
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the text around the error, which may be a key: give the place only.
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw refused("not valid JSON" + where);
        } catch (IOException e) {
            throw refused("cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ControlException refused(String why) {
        return new ControlException("state file " + file + " is not usable: " + why
                + ". The relay did not start and the file was left as it is; fix it, or move it away to start "
                + "from the config's targets");
    }

    /**
     * Writes the current targets and the input pin (null: automatic) atomically; the file holds keys, so it is
     * created readable by its owner only.
     */
    public void save(List<TargetConfig> targets, Set<String> addedAtRuntime, Set<String> removedFromConfig,
                     InputRole inputPin) throws IOException {
        List<JsonNode> saved = targets.stream().map(t -> (JsonNode) JSON.valueToTree(StateDocument.SavedTarget.of(t)))
                .toList();
        StateDocument doc = new StateDocument(FORMAT, Instant.now().toString(), saved,
                addedAtRuntime.stream().sorted().toList(), removedFromConfig.stream().sorted().toList(),
                inputPin == null ? null : new StateDocument.Ingest(inputPin.id()));
        write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }

    private void write(byte[] bytes) throws IOException {
        Path dir = file.getParent();
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                ownerOnly())) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        // The rename is durable only once the directory entry is.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // Some file systems cannot open or sync a directory; the rename itself happened.
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    private static Set<String> ids(List<TargetConfig> targets) {
        return targets.stream().map(TargetConfig::id).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
