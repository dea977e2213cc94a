package dev.castrelay.packaging;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The part of kustomize's {@code Kustomization} that the manifests use, read strictly: a field outside it (a typo,
 * or a feature the README does not explain) fails, as for the Kubernetes objects.
 */
record Kustomization(String apiVersion, String kind, String namespace, List<String> resources,
                     List<Generator> configMapGenerator, List<Image> images) {

    record Generator(String name, List<String> files) {
    }

    record Image(String name, String newName, String newTag) {
    }

    private static final ObjectMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static Kustomization read(Path file) {
        try {
            return STRICT.readValue(file.toFile(), Kustomization.class);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    List<String> resourcesOrEmpty() {
        return resources == null ? List.of() : resources;
    }

    List<Generator> generatorsOrEmpty() {
        return configMapGenerator == null ? List.of() : configMapGenerator;
    }
}
