package dev.castrelay.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes manifests into fabric8's typed model (generated from Kubernetes' own OpenAPI schema) and refuses
 * what the API server would refuse or silently drop: an unknown kind, a wrong apiVersion, a value of the wrong type,
 * and any field the schema does not have. fabric8 keeps unknown fields in each object's
 * {@code additionalProperties} instead of failing, so every object of the tree is checked for them.
 */
final class Manifests {

    /** The kinds the manifests use; anything else is refused rather than read loosely. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Deployment", Deployment.class,
            "Service", Service.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class,
            "Namespace", Namespace.class,
            "ConfigMap", ConfigMap.class,
            "Secret", Secret.class);

    private static final ObjectMapper YAML = new YAMLMapper();

    private Manifests() {
    }

    /** Every document of a YAML file as its typed object; throws {@link ManifestException} naming the problem. */
    static List<HasMetadata> read(Path file) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    objects.add(typed(document, file.getFileName() + "[" + index + "]"));
                }
                index++;
            }
        } catch (IOException e) {
            throw new ManifestException(file.getFileName() + ": " + e.getMessage(), e);
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> read(Path file, Class<T> kind) {
        return read(file).stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static HasMetadata typed(JsonNode document, String where) throws IOException {
        String kind = document.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
            throw new ManifestException(where + ": kind '" + kind + "' is not one of " + KINDS.keySet());
        }
        HasMetadata object = YAML.treeToValue(document, type);
        String expectedVersion = newInstance(type).getApiVersion();
        if (!expectedVersion.equals(object.getApiVersion())) {
            throw new ManifestException(where + ": " + kind + " has apiVersion '" + object.getApiVersion()
                    + "', expected '" + expectedVersion + "'");
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(object, kind, unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new ManifestException(where + " (" + kind + " " + object.getMetadata().getName()
                    + "): fields Kubernetes does not have: " + String.join(", ", unknown));
        }
        return object;
    }

    /** Collects the path of every field that fabric8 did not recognise, anywhere below {@code value}. */
    private static void unknownFields(Object value, String path, List<String> unknown, Map<Object, Object> seen) {
        if (value == null || seen.put(value, value) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object child;
                try {
                    child = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties")) {
                    if (child instanceof Map<?, ?> extra) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else {
                    unknownFields(child, path + "." + field.getName(), unknown, seen);
                }
            }
        }
    }

    private static HasMetadata newInstance(Class<? extends HasMetadata> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What is wrong with a manifest, with the file, the document and the path of each unknown field. */
    static final class ManifestException extends RuntimeException {
        ManifestException(String message) {
            super(message);
        }

        ManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Whether {@code file} is a Kubernetes manifest (not a kustomization or a relay config). */
    static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.equals("kustomization.yaml")
                && !name.equals("relay.yaml") && Files.isRegularFile(file);
    }
}
