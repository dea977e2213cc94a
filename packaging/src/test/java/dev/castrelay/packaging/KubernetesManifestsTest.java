package dev.castrelay.packaging;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.ListenAddress;
import dev.castrelay.config.LoadResult;
import dev.castrelay.config.RelayConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes manifests under {@code packaging/kubernetes}: every one reads into Kubernetes' typed objects with
 * no field the schema lacks, every kustomization names files that exist, and the Deployment keeps the promises the
 * README makes (one relay per event, probes that only fail when the relay does not answer, keys from Secrets read
 * through {@code ${file:}}, state on the volume). Each event's relay.yaml is loaded by the relay's own loader.
 */
class KubernetesManifestsTest {

    /** Maven runs the tests in the module's folder, packaging/. */
    private static final Path KUBERNETES = Path.of("kubernetes");
    private static final Path BASE = KUBERNETES.resolve("base");
    private static final Path EVENTS = KUBERNETES.resolve("events");
    private static final String CONFIG = "/etc/castrelay/relay.yaml";
    private static final List<String> PROBE = List.of("relay", "health", "--probe", "--config", CONFIG);
    private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{file:([^}]*)}");

    @TempDir
    Path temp;

    @Test
    void everyManifestReadsIntoKubernetesTypesWithNoUnknownField() throws IOException {
        List<Path> files = yamlFiles().filter(Manifests::isManifest).toList();

        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("deployment.yaml", "services.yaml", "pvc.yaml", "namespace.yaml");
        for (Path file : files) {
            assertThat(Manifests.read(file)).as(file.toString()).isNotEmpty();
        }
    }

    @Test
    void aMisspelledFieldFails() throws IOException {
        Path typo = copyWith(BASE.resolve("deployment.yaml"), "terminationGracePeriodSeconds:",
                "terminationGracePeriodSecond:");

        assertThatThrownBy(() -> Manifests.read(typo))
                .hasMessageContaining("spec.template.spec.terminationGracePeriodSecond")
                .hasMessageContaining("fields Kubernetes does not have");
    }

    @Test
    void aMisspelledFieldDeepInAContainerFails() throws IOException {
        Path typo = copyWith(BASE.resolve("deployment.yaml"), "readOnlyRootFilesystem:", "readonlyRootFilesystem:");

        assertThatThrownBy(() -> Manifests.read(typo))
                .hasMessageContaining("containers[0].securityContext.readonlyRootFilesystem");
    }

    @Test
    void aMisspelledFieldInAServiceFails() throws IOException {
        Path typo = copyWith(BASE.resolve("services.yaml"), "externalTrafficPolicy:", "externalTraficPolicy:");

        assertThatThrownBy(() -> Manifests.read(typo)).hasMessageContaining("spec.externalTraficPolicy");
    }

    @Test
    void aValueOfTheWrongTypeFails() throws IOException {
        Path wrong = copyWith(BASE.resolve("deployment.yaml"), "replicas: 1", "replicas: one");

        assertThatThrownBy(() -> Manifests.read(wrong)).hasMessageContaining("deployment.yaml");
    }

    @Test
    void aWrongApiVersionFails() throws IOException {
        Path wrong = copyWith(BASE.resolve("deployment.yaml"), "apiVersion: apps/v1", "apiVersion: v1");

        assertThatThrownBy(() -> Manifests.read(wrong)).hasMessageContaining("expected 'apps/v1'");
    }

    @Test
    void aMisspelledKustomizationFieldFails() throws IOException {
        Path typo = copyWith(EVENTS.resolve("example/kustomization.yaml"), "configMapGenerator:",
                "configMapGenerators:");

        assertThatThrownBy(() -> Kustomization.read(typo)).hasMessageContaining("configMapGenerators");
    }

    @Test
    void everyKustomizationNamesFilesThatExist() throws IOException {
        List<Path> kustomizations = yamlFiles().filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                .toList();

        assertThat(kustomizations).hasSizeGreaterThanOrEqualTo(2);
        for (Path file : kustomizations) {
            Kustomization k = Kustomization.read(file);
            assertThat(k.apiVersion()).isEqualTo("kustomize.config.k8s.io/v1beta1");
            assertThat(k.kind()).isEqualTo("Kustomization");
            Path dir = file.getParent();
            for (String resource : k.resourcesOrEmpty()) {
                Path target = dir.resolve(resource).normalize();
                assertThat(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")))
                        .as(file + " names " + resource).isTrue();
            }
            for (Kustomization.Generator g : k.generatorsOrEmpty()) {
                assertThat(g.files()).allSatisfy(f -> assertThat(dir.resolve(f)).isRegularFile());
            }
        }
    }

    @Test
    void everyEventOverlayHasItsNamespaceTheConfigAndTheRelaysImage() throws IOException {
        String image = relayContainer().getImage();
        String imageName = image.substring(0, image.indexOf(':'));
        String configMap = volume("config").getConfigMap().getName();
        List<Path> overlays;
        try (Stream<Path> events = Files.list(EVENTS)) {
            overlays = events.filter(e -> Files.isRegularFile(e.resolve("kustomization.yaml"))).toList();
        }

        assertThat(overlays).isNotEmpty();
        for (Path overlay : overlays) {
            Kustomization k = Kustomization.read(overlay.resolve("kustomization.yaml"));
            assertThat(k.resourcesOrEmpty()).contains("../../base", "namespace.yaml");
            assertThat(Manifests.read(overlay.resolve("namespace.yaml")))
                    .singleElement().satisfies(ns -> assertThat(ns.getMetadata().getName()).isEqualTo(k.namespace()));
            assertThat(k.generatorsOrEmpty()).singleElement().satisfies(g -> {
                assertThat(g.name()).isEqualTo(configMap);
                assertThat(g.files()).containsExactly("relay.yaml");
            });
            assertThat(k.images()).extracting(Kustomization.Image::name).containsExactly(imageName);
        }
    }

    @Test
    void oneRelayPerEventNeverTwo() {
        Deployment d = deployment();

        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(d.getSpec().getStrategy().getRollingUpdate()).isNull();
    }

    @Test
    void probesFailOnlyWhenTheRelayDoesNotAnswer() {
        Container relay = relayContainer();

        for (Probe probe : List.of(relay.getStartupProbe(), relay.getReadinessProbe(), relay.getLivenessProbe())) {
            assertThat(probe).isNotNull();
            assertThat(probe.getExec().getCommand()).isEqualTo(PROBE);
            // The JVM starts for every probe: a second or two on a busy node.
            assertThat(probe.getTimeoutSeconds()).isGreaterThanOrEqualTo(10);
        }
        // Restart only after the relay has not answered for a while: a busy moment is not a death.
        Probe liveness = relay.getLivenessProbe();
        assertThat(liveness.getPeriodSeconds() * liveness.getFailureThreshold()).isGreaterThanOrEqualTo(60);
        assertThat(relay.getArgs()).containsExactly("run", "--config", CONFIG);
    }

    @Test
    void theRelayRunsAsItsOwnUserOnAReadOnlyRoot() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container relay = relayContainer();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);
        assertThat(relay.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(relay.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(relay.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(mountOf("tmp").getMountPath()).isEqualTo("/tmp");
    }

    @Test
    void terminationLeavesTimeToUnpublish() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();

        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(30L);
    }

    @Test
    void resourcesRequestCoresAndCapMemoryButNotCpu() {
        var resources = relayContainer().getResources();

        assertThat(Quantity.getAmountInBytes(resources.getRequests().get("cpu")).doubleValue())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(resources.getLimits()).doesNotContainKey("cpu");
        assertThat(Quantity.getAmountInBytes(resources.getLimits().get("memory")))
                .isGreaterThan(Quantity.getAmountInBytes(resources.getRequests().get("memory")));
    }

    @Test
    void servicesCarryRtmpOverTcpAndSrtOverUdpToTheContainersPorts() {
        List<Service> services = Manifests.read(BASE.resolve("services.yaml"), Service.class);
        Map<String, ContainerPort> ports = new java.util.HashMap<>();
        relayContainer().getPorts().forEach(p -> ports.put(p.getName(), p));
        Map<String, String> selector = deployment().getSpec().getSelector().getMatchLabels();

        List<String> carried = new ArrayList<>();
        for (Service s : services) {
            assertThat(s.getSpec().getSelector()).isEqualTo(selector);
            for (ServicePort p : s.getSpec().getPorts()) {
                ContainerPort target = ports.get(p.getTargetPort().getStrVal());
                assertThat(target).as(s.getMetadata().getName() + " targets " + p.getTargetPort()).isNotNull();
                assertThat(p.getProtocol()).isEqualTo(target.getProtocol());
                carried.add(p.getName() + "/" + p.getProtocol() + "/" + s.getSpec().getType());
            }
        }
        assertThat(carried).containsExactlyInAnyOrder("rtmp/TCP/LoadBalancer", "srt/UDP/LoadBalancer",
                "control/TCP/ClusterIP");
        assertThat(ports.get("rtmp").getContainerPort()).isEqualTo(1935);
        assertThat(ports.get("srt").getContainerPort()).isEqualTo(9000);
    }

    @Test
    void stateAndArchiveLiveOnTheClaim() {
        PersistentVolumeClaim claim = Manifests.read(BASE.resolve("pvc.yaml"), PersistentVolumeClaim.class).get(0);
        Volume data = volume("data");

        assertThat(data.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.getMetadata().getName());
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(mountOf("data").getMountPath()).isEqualTo("/var/lib/castrelay");
    }

    @Test
    void everyEventsConfigLoadsWithItsKeysFromTheSecret() throws IOException {
        List<Path> configs;
        try (Stream<Path> events = Files.list(EVENTS)) {
            configs = events.map(e -> e.resolve("relay.yaml")).filter(Files::isRegularFile).toList();
        }
        assertThat(configs).isNotEmpty();
        VolumeMount secrets = mountOf("secrets");
        assertThat(volume("secrets").getSecret().getSecretName()).isEqualTo("castrelay-secrets");
        assertThat(mountOf("config").getMountPath() + "/relay.yaml").isEqualTo(CONFIG);
        Container relay = relayContainer();
        Map<String, String> annotations = deployment().getSpec().getTemplate().getMetadata().getAnnotations();

        for (Path file : configs) {
            RelayConfig config = loadWithSecretsIn(file, secrets.getMountPath());
            assertThat(port(config.ingest().listen())).isEqualTo(containerPort(relay, "rtmp"));
            assertThat(port(config.control().listen())).isEqualTo(containerPort(relay, "control"))
                    .isEqualTo(Integer.parseInt(annotations.get("prometheus.io/port")));
            assertThat(ListenAddress.parse(config.control().listen()).host())
                    .as("the probes and Prometheus reach the control port").isEqualTo("0.0.0.0");
            assertThat(config.control().publicMetrics()).as("Prometheus scrapes without the token").isTrue();
            assertThat(config.stateFile()).startsWith(mountOf("data").getMountPath() + "/");
        }
    }

    /**
     * Loads an event's relay.yaml as the pod would: every {@code ${file:}} must be a file of the mounted Secret
     * (the pod has no other secret files, and no environment for keys); here each is a stand-in file.
     */
    private RelayConfig loadWithSecretsIn(Path file, String secretsMount) throws IOException {
        String text = Files.readString(file);
        assertThat(text).as(file + ": keys come from the Secret's files, not the environment")
                .doesNotContain("${env:");
        Path standIns = Files.createDirectories(temp.resolve("secrets-" + file.getParent().getFileName()));
        Matcher m = FILE_REFERENCE.matcher(text);
        StringBuilder rewritten = new StringBuilder();
        int n = 0;
        while (m.find()) {
            String path = m.group(1);
            if (text.lastIndexOf('\n', m.start()) > text.lastIndexOf('#', m.start())) {
                assertThat(path).as(file + " reads " + path).startsWith(secretsMount + "/");
            }
            Path standIn = standIns.resolve(path.substring(path.lastIndexOf('/') + 1));
            Files.writeString(standIn, "stand-in-secret-" + (++n) + "-0123456789abcdef\n");
            m.appendReplacement(rewritten, Matcher.quoteReplacement("${file:" + standIn + "}"));
        }
        m.appendTail(rewritten);
        assertThat(n).as(file + " reads its keys through ${file:}").isGreaterThan(0);
        LoadResult result = new ConfigLoader(name -> null).parse(rewritten.toString());
        assertThat(result.errors()).as(file.toString()).isEmpty();
        return result.config();
    }

    private static int port(String listen) {
        return ListenAddress.parse(listen).port();
    }

    private static int containerPort(Container c, String name) {
        return c.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow()
                .getContainerPort();
    }

    private Path copyWith(Path original, String from, String to) throws IOException {
        String text = Files.readString(original);
        assertThat(text).as(original + " has " + from).contains(from);
        Path copy = temp.resolve(original.getFileName());
        Files.writeString(copy, text.replace(from, to));
        return copy;
    }

    private static Stream<Path> yamlFiles() throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(KUBERNETES)) {
            all = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList();
        }
        return all.stream();
    }

    private static Deployment deployment() {
        List<HasMetadata> objects = Manifests.read(BASE.resolve("deployment.yaml"));
        assertThat(objects).hasSize(1);
        return (Deployment) objects.get(0);
    }

    private static Container relayContainer() {
        List<Container> containers = deployment().getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Volume volume(String name) {
        return deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static VolumeMount mountOf(String name) {
        return relayContainer().getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow();
    }
}
