package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in the repository's {@code deploy/} directory: every file parses into
 * the Kubernetes type it declares, the kustomizations list exactly the files there are, and the
 * pieces agree with each other — the collector configurations with the containers' mounts, ports
 * and probes, the Service with the containers, kube-apiserver's flags with the node collector's
 * host directory, the image with {@code jvm.options}, the audit policy with {@code policy
 * generate}.
 */
class DeployManifestsTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();

  /** The image the manifests name; kustomize {@code images:} entries point it at a registry. */
  private static final String IMAGE = "kubetrail:0.1.0";

  /** The Kubernetes type each kind of manifest must parse into. */
  private static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.of(
          "Namespace", Namespace.class,
          "ServiceAccount", ServiceAccount.class,
          "ConfigMap", ConfigMap.class,
          "PersistentVolumeClaim", PersistentVolumeClaim.class,
          "Deployment", Deployment.class,
          "DaemonSet", DaemonSet.class,
          "Service", Service.class,
          "Secret", Secret.class);

  /** Files for the control-plane hosts, not for kubectl: each is checked on its own below. */
  private static final String APISERVER = "apiserver";

  private static final Set<String> APISERVER_FILES =
      Set.of(
          "audit-policy.yaml",
          "kubeadm-cluster-configuration.yaml",
          "kube-apiserver-static-pod.yaml",
          "audit-webhook-kubeconfig.yaml");

  /** kube-apiserver's defaults for its webhook backend (k8s.io/apiserver options/audit.go). */
  private static final Map<String, String> WEBHOOK_DEFAULTS =
      Map.of(
          "audit-webhook-mode", "batch",
          "audit-webhook-batch-buffer-size", "10000",
          "audit-webhook-batch-max-size", "400",
          "audit-webhook-batch-max-wait", "30s",
          "audit-webhook-batch-throttle-qps", "10",
          "audit-webhook-batch-throttle-burst", "15",
          "audit-webhook-initial-backoff", "10s");

  private static final Set<String> CONFIG_KEYS =
      Set.of(
          "store",
          "forward",
          "cluster",
          "policy",
          "redactSecrets",
          "metrics",
          "deadLetter",
          "sources");

  // ---------------------------------------------------------------------------------------------
  // Finding and reading the files

  /** The repository's {@code deploy/} directory: walks up from the working directory. */
  static Path deployDir() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("deploy"))) {
        return dir.resolve("deploy");
      }
    }
    return fail("no deploy/ directory beside a pom.xml in " + start + " or any directory above it");
  }

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> files = Files.walk(deployDir())) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static String relative(Path file) {
    return deployDir().relativize(file).toString().replace('\\', '/');
  }

  private static boolean isKustomization(Path file) {
    return file.getFileName().toString().equals("kustomization.yaml");
  }

  private static boolean isApiserverFile(Path file) {
    return deployDir().relativize(file).getNameCount() == 2
        && deployDir().relativize(file).getName(0).toString().equals(APISERVER);
  }

  /** The manifests kubectl applies: every YAML file but kustomizations and the apiserver files. */
  private static List<Path> manifestFiles() throws IOException {
    return yamlFiles().stream()
        .filter(f -> !isKustomization(f) && !isApiserverFile(f))
        .collect(Collectors.toList());
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static JsonNode yaml(Path file) throws IOException {
    List<JsonNode> docs = documents(file);
    assertThat(docs).as("%s: one YAML document", relative(file)).hasSize(1);
    return docs.get(0);
  }

  private static final Map<Path, HasMetadata> PARSED = new ConcurrentHashMap<>();

  /** A manifest parsed by fabric8 into the type its kind names. */
  private static HasMetadata manifest(Path file) throws IOException {
    HasMetadata parsed = PARSED.get(file);
    if (parsed == null) {
      parsed = parse(file);
      PARSED.put(file, parsed);
    }
    return parsed;
  }

  private static HasMetadata parse(Path file) throws IOException {
    JsonNode doc = yaml(file);
    String kind = doc.path("kind").asText("");
    Class<? extends HasMetadata> type = TYPES.get(kind);
    assertThat(type)
        .as("%s: a kind the deploy manifests use, got %s", relative(file), kind)
        .isNotNull();
    Object parsed = KUBE.unmarshal(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(parsed).as("%s", relative(file)).isInstanceOf(type);
    return type.cast(parsed);
  }

  /** The objects of one kustomization directory, by the file each came from. */
  private static Map<Path, HasMetadata> objects(String dir) throws IOException {
    Map<Path, HasMetadata> objects = new LinkedHashMap<>();
    for (Path file : manifestFiles()) {
      if (file.getParent().equals(deployDir().resolve(dir))) {
        objects.put(file, manifest(file));
      }
    }
    assertThat(objects).as("manifests in deploy/%s", dir).isNotEmpty();
    return objects;
  }

  private static <T extends HasMetadata> List<T> ofType(String dir, Class<T> type)
      throws IOException {
    return objects(dir).values().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .collect(Collectors.toList());
  }

  private static <T extends HasMetadata> T one(String dir, Class<T> type) throws IOException {
    List<T> all = ofType(dir, type);
    assertThat(all).as("%s in deploy/%s", type.getSimpleName(), dir).hasSize(1);
    return all.get(0);
  }

  /** A collector configuration embedded in a ConfigMap of the deploy manifests. */
  record CollectorConfig(String file, String configMap, String key, String text) {}

  /**
   * Every {@code kubetrail collect} configuration in the deploy manifests: the {@code config.yaml}
   * entries of their ConfigMaps, with the file (relative to {@code deploy/}) each is in.
   */
  static List<CollectorConfig> collectorConfigs() throws IOException {
    List<CollectorConfig> configs = new ArrayList<>();
    for (Path file : manifestFiles()) {
      if (manifest(file) instanceof ConfigMap map && map.getData() != null) {
        String text = map.getData().get("config.yaml");
        if (text != null) {
          configs.add(
              new CollectorConfig(
                  relative(file), map.getMetadata().getName(), "config.yaml", text));
        }
      }
    }
    return configs;
  }

  // ---------------------------------------------------------------------------------------------
  // Every file

  @Test
  void everyYamlFileIsAManifestAKustomizationOrAKnownApiserverFile() throws IOException {
    List<String> apiserver =
        yamlFiles().stream()
            .filter(DeployManifestsTest::isApiserverFile)
            .map(f -> f.getFileName().toString())
            .collect(Collectors.toList());
    assertThat(apiserver).containsExactlyInAnyOrderElementsOf(APISERVER_FILES);
    assertThat(manifestFiles()).isNotEmpty();
  }

  @Test
  void everyManifestParsesIntoItsKubernetesTypeWithNoUnknownFields() throws IOException {
    for (Path file : manifestFiles()) {
      JsonNode doc = yaml(file);
      assertThat(doc.path("apiVersion").asText(""))
          .as("%s: apiVersion", relative(file))
          .isNotEmpty();
      assertThat(doc.path("kind").asText("")).as("%s: kind", relative(file)).isNotEmpty();
      HasMetadata object = manifest(file);
      assertThat(object.getMetadata().getName())
          .as("%s: metadata.name", relative(file))
          .isNotBlank();
      assertThat(unknownFields(object, object.getKind()))
          .as("%s: fields the Kubernetes API does not know", relative(file))
          .isEmpty();
    }
  }

  /** Paths of fields fabric8 kept aside as unknown (a misspelt field would be ignored). */
  private static List<String> unknownFields(Object object, String path) {
    List<String> found = new ArrayList<>();
    if (object instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        found.addAll(unknownFields(list.get(i), path + "[" + i + "]"));
      }
      return found;
    }
    if (object instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        found.addAll(unknownFields(e.getValue(), path + "." + e.getKey()));
      }
      return found;
    }
    if (object == null || !object.getClass().getName().startsWith("io.fabric8.kubernetes.api")) {
      return found;
    }
    for (Method getter : object.getClass().getMethods()) {
      String name = getter.getName();
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !name.startsWith("get")
          || !getter.getDeclaringClass().getName().startsWith("io.fabric8.kubernetes.api")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(object);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (name.equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> found.add(path + "." + k));
        }
      } else {
        found.addAll(unknownFields(value, path + "." + decapitalize(name.substring(3))));
      }
    }
    return found;
  }

  private static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  // ---------------------------------------------------------------------------------------------
  // Kustomizations

  @Test
  void kustomizationsListOnlyFilesThatExistAndEveryManifestIsListed() throws IOException {
    Set<Path> listed = new TreeSet<>();
    List<Path> kustomizations =
        yamlFiles().stream()
            .filter(DeployManifestsTest::isKustomization)
            .collect(Collectors.toList());
    assertThat(kustomizations).as("kustomization.yaml files").isNotEmpty();
    for (Path kustomization : kustomizations) {
      String name = relative(kustomization);
      JsonNode k = yaml(kustomization);
      assertThat(k.path("apiVersion").asText())
          .as(name)
          .isEqualTo("kustomize.config.k8s.io/v1beta1");
      assertThat(k.path("kind").asText()).as(name).isEqualTo("Kustomization");
      Path dir = kustomization.getParent();
      List<String> references = new ArrayList<>();
      k.path("resources").forEach(r -> references.add(r.asText()));
      k.path("patches").forEach(p -> p.path("path").asText("").lines().forEach(references::add));
      assertThat(k.path("resources").size()).as("%s: resources", name).isPositive();
      for (String reference : references) {
        Path target = dir.resolve(reference).normalize();
        assertThat(target).as("%s lists %s", name, reference).exists();
        assertThat(target.startsWith(deployDir())).as("%s lists %s", name, reference).isTrue();
        if (Files.isDirectory(target)) {
          assertThat(target.resolve("kustomization.yaml"))
              .as("%s lists the directory %s", name, reference)
              .isRegularFile();
        } else {
          assertThat(target.getParent())
              .as("%s lists %s: files come from the kustomization's own directory", name, reference)
              .isEqualTo(dir);
          listed.add(target);
        }
      }
      // The manifests name the image by a placeholder that each kustomization can point elsewhere.
      assertThat(k.path("images").findValuesAsText("name"))
          .as("%s: an images entry for %s", name, IMAGE)
          .contains(IMAGE.substring(0, IMAGE.indexOf(':')));
    }
    for (Path file : manifestFiles()) {
      assertThat(Files.isRegularFile(file.getParent().resolve("kustomization.yaml")))
          .as("%s is in a directory with a kustomization.yaml", relative(file))
          .isTrue();
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(manifestFiles());
  }

  // ---------------------------------------------------------------------------------------------
  // The collector configurations

  @Test
  void collectorConfigsAreAcceptedByTheCollector() throws Exception {
    for (CollectorConfig config : collectorConfigs()) {
      Path file = Files.createTempFile("kubetrail-config", ".yaml");
      try {
        Files.writeString(file, config.text());
        io.kubetrail.collect.config.CollectorConfig loaded =
            io.kubetrail.collect.config.CollectorConfig.load(file);
        assertThat(loaded.sources()).as(config.file()).isNotEmpty();
        assertThat(loaded.metrics()).as(config.file()).isPresent();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  @Test
  void collectorConfigsAreYamlWithTheCollectorsFields() throws IOException {
    List<CollectorConfig> configs = collectorConfigs();
    assertThat(configs)
        .extracting(CollectorConfig::file)
        .containsExactlyInAnyOrder(
            "central/configmap.yaml", "eks/configmap.yaml", "node-collector/configmap.yaml");
    Set<String> clusters = new TreeSet<>();
    for (CollectorConfig config : configs) {
      String name = config.file();
      JsonNode c = YAML.readTree(config.text());
      clusters.add(c.path("cluster").asText());
      assertThat(c.isObject()).as(name).isTrue();
      Set<String> keys = new TreeSet<>();
      c.fieldNames().forEachRemaining(keys::add);
      assertThat(CONFIG_KEYS).as("%s: known fields", name).containsAll(keys);
      assertThat(c.has("store") ^ c.has("forward")).as("%s: store or forward", name).isTrue();
      assertThat(c.path("cluster").isTextual()).as("%s: cluster", name).isTrue();
      assertThat(c.path("redactSecrets").isBoolean()).as("%s: redactSecrets", name).isTrue();
      assertThat(c.path("metrics").path("listen").asText())
          .as("%s: metrics", name)
          .matches("0\\.0\\.0\\.0:\\d+");
      assertThat(c.path("deadLetter").asText()).as("%s: deadLetter", name).startsWith("/");
      if (c.has("store")) {
        assertThat(c.path("store").asText()).as("%s: store", name).startsWith("/");
      } else {
        JsonNode forward = c.path("forward");
        assertThat(forward.path("url").asText()).as("%s: forward.url", name).startsWith("https://");
        assertThat(forward.path("ca").asText()).as("%s: forward.ca", name).startsWith("/");
        assertThat(forward.path("tokenFile").asText())
            .as("%s: forward.tokenFile", name)
            .startsWith("/");
      }
      assertThat(c.path("sources").isArray() && c.path("sources").size() > 0)
          .as("%s: sources", name)
          .isTrue();
      for (JsonNode source : c.path("sources")) {
        assertThat(source.size()).as("%s: one type per source", name).isEqualTo(1);
        if (source.has("file")) {
          assertThat(source.path("file").path("path").asText()).as(name).startsWith("/");
        } else if (source.has("eksCloudwatchLog")) {
          JsonNode eks = source.path("eksCloudwatchLog");
          assertThat(eks.path("region").asText()).as("%s: region", name).isNotBlank();
          assertThat(eks.path("groupName").asText())
              .as("%s: groupName", name)
              .startsWith("/aws/eks/");
          assertThat(eks.path("credentialsSecret").asText("/")).as(name).startsWith("/");
        } else {
          JsonNode webhook = source.path("webhook");
          assertThat(webhook.isObject()).as("%s: a file or webhook source", name).isTrue();
          assertThat(webhook.path("listen").asText()).as(name).matches("0\\.0\\.0\\.0:\\d+");
          for (String field : List.of("tlsCert", "tlsKey", "clientCA", "tokenFile")) {
            assertThat(webhook.path(field).asText())
                .as("%s: webhook.%s", name, field)
                .startsWith("/");
          }
        }
      }
    }
    assertThat(clusters).as("the collectors of one cluster name the same cluster").hasSize(1);
  }

  /** A workload's collector container with the configuration it runs. */
  private record Collector(String dir, PodTemplateSpec pod, Container container, JsonNode config) {
    PodSpec spec() {
      return pod.getSpec();
    }

    Volume volume(String name) {
      return spec().getVolumes().stream()
          .filter(v -> v.getName().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError(dir + ": no volume " + name));
    }

    /** The mount a path lies under (the longest), if any. */
    Optional<VolumeMount> mountOf(String path) {
      return container.getVolumeMounts().stream()
          .filter(m -> path.startsWith(m.getMountPath() + "/"))
          .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length()));
    }

    int port(String name) {
      return container.getPorts().stream()
          .filter(p -> name.equals(p.getName()))
          .map(ContainerPort::getContainerPort)
          .findFirst()
          .orElseThrow(() -> new AssertionError(dir + ": no container port named " + name));
    }

    int resolve(IntOrString port) {
      return port.getIntVal() != null ? port.getIntVal() : port(port.getStrVal());
    }
  }

  private static Collector collector(String dir, PodTemplateSpec pod) throws IOException {
    List<Container> containers = pod.getSpec().getContainers();
    assertThat(containers).as("deploy/%s: containers", dir).hasSize(1);
    Container container = containers.get(0);
    List<String> args = container.getArgs();
    assertThat(args).as("deploy/%s: args", dir).hasSize(3).startsWith("collect", "--config");
    String configPath = args.get(2);
    Path configFile = Path.of(configPath);
    VolumeMount mount =
        container.getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals(configFile.getParent().toString()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(dir + ": nothing mounted for " + configPath));
    Volume volume =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getConfigMap())
        .as("deploy/%s: %s is a ConfigMap", dir, configPath)
        .isNotNull();
    String mapName = volume.getConfigMap().getName();
    ConfigMap map =
        ofType(dir, ConfigMap.class).stream()
            .filter(m -> m.getMetadata().getName().equals(mapName))
            .findFirst()
            .orElseThrow(() -> new AssertionError(dir + ": no ConfigMap " + mapName));
    String text = map.getData().get(configFile.getFileName().toString());
    assertThat(text).as("deploy/%s: %s in ConfigMap %s", dir, configPath, mapName).isNotNull();
    return new Collector(dir, pod, container, YAML.readTree(text));
  }

  private static Collector central() throws IOException {
    return collector("central", one("central", Deployment.class).getSpec().getTemplate());
  }

  private static Collector eks() throws IOException {
    return collector("eks", one("eks", Deployment.class).getSpec().getTemplate());
  }

  private static Collector nodeCollector() throws IOException {
    return collector(
        "node-collector", one("node-collector", DaemonSet.class).getSpec().getTemplate());
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  @Test
  void everyFileTheConfigNamesIsMountedAndWhatItWritesIsWritable() throws IOException {
    for (Collector c : List.of(central(), nodeCollector(), eks())) {
      List<String> read = new ArrayList<>();
      c.config().path("sources").forEach(s -> s.path("webhook").forEach(v -> read.add(v.asText())));
      for (JsonNode eks : c.config().path("sources").findValues("eksCloudwatchLog")) {
        // A mounted Secret: the directory holds aws-id and aws-key.
        String secret = eks.path("credentialsSecret").asText("");
        if (!secret.isEmpty()) {
          read.add(secret + "/aws-id");
          read.add(secret + "/aws-key");
        }
      }
      read.removeIf(v -> !v.startsWith("/"));
      read.add(c.config().path("forward").path("ca").asText(""));
      read.add(c.config().path("forward").path("tokenFile").asText(""));
      read.removeIf(String::isEmpty);
      for (String path : read) {
        VolumeMount mount =
            c.mountOf(path)
                .orElseThrow(() -> new AssertionError(c.dir() + ": " + path + " unmounted"));
        Volume volume = c.volume(mount.getName());
        assertThat(volume.getSecret()).as("%s: %s comes from a Secret", c.dir(), path).isNotNull();
        List<KeyToPath> items = volume.getSecret().getItems();
        String file = path.substring(mount.getMountPath().length() + 1);
        if (items != null && !items.isEmpty()) {
          assertThat(items)
              .extracting(KeyToPath::getPath)
              .as("%s: %s", c.dir(), path)
              .contains(file);
        }
      }
      List<String> written = new ArrayList<>();
      written.add(c.config().path("deadLetter").asText());
      if (c.config().has("store")) {
        written.add(c.config().path("store").asText() + "/");
      }
      for (String path : written) {
        VolumeMount mount =
            c.mountOf(path)
                .orElseThrow(() -> new AssertionError(c.dir() + ": " + path + " unmounted"));
        assertThat(mount.getReadOnly()).as("%s: %s is writable", c.dir(), path).isNotEqualTo(true);
        Volume volume = c.volume(mount.getName());
        assertThat(volume.getEmptyDir() != null || volume.getPersistentVolumeClaim() != null)
            .as("%s: %s is on an emptyDir or a PersistentVolumeClaim", c.dir(), path)
            .isTrue();
      }
    }
  }

  @Test
  void theCentralStoreIsOnItsClaimWithOneReplicaReplacedNotRolled() throws IOException {
    Deployment deployment = one("central", Deployment.class);
    Collector c = central();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    String store = c.config().path("store").asText();
    VolumeMount mount = c.mountOf(store + "/").orElseThrow();
    Volume volume = c.volume(mount.getName());
    assertThat(volume.getPersistentVolumeClaim()).as("the store's volume").isNotNull();
    assertThat(ofType("central", PersistentVolumeClaim.class))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly(volume.getPersistentVolumeClaim().getClaimName());
    assertThat(c.config().has("forward")).isFalse();
    assertThat(c.config().path("sources").findValues("webhook")).hasSize(1);
  }

  @Test
  void portsProbesAndScrapeAnnotationsMatchTheConfigs() throws IOException {
    for (Collector c : List.of(central(), nodeCollector(), eks())) {
      int metrics = port(c.config().path("metrics").path("listen").asText());
      assertThat(c.port("metrics")).as("%s: metrics port", c.dir()).isEqualTo(metrics);
      for (JsonNode webhook : c.config().path("sources").findValues("webhook")) {
        assertThat(c.port("webhook"))
            .as("%s: webhook port", c.dir())
            .isEqualTo(port(webhook.path("listen").asText()));
      }
      assertThat(c.container().getPorts())
          .extracting(ContainerPort::getName)
          .as("%s: only the ports the config listens on", c.dir())
          .containsExactlyInAnyOrderElementsOf(
              c.config().path("sources").findValues("webhook").isEmpty()
                  ? List.of("metrics")
                  : List.of("metrics", "webhook"));
      Container container = c.container();
      for (Probe probe :
          List.of(
              container.getStartupProbe(),
              container.getReadinessProbe(),
              container.getLivenessProbe())) {
        assertThat(probe).as("%s: startup, readiness and liveness probes", c.dir()).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(c.dir()).isEqualTo("/healthz");
        assertThat(c.resolve(probe.getHttpGet().getPort())).as(c.dir()).isEqualTo(metrics);
      }
      Map<String, String> annotations = c.pod().getMetadata().getAnnotations();
      assertThat(annotations)
          .as("%s: Prometheus scrape annotations", c.dir())
          .containsEntry("prometheus.io/scrape", "true")
          .containsEntry("prometheus.io/port", Integer.toString(metrics))
          .containsEntry("prometheus.io/path", "/metrics");
    }
  }

  @Test
  void theServiceReachesTheCentralPodsPorts() throws IOException {
    Service service = one("central", Service.class);
    Collector c = central();
    assertThat(c.pod().getMetadata().getLabels())
        .as("the Service's selector matches the central pods")
        .containsAllEntriesOf(service.getSpec().getSelector());
    Map<String, String> nodeLabels = nodeCollector().pod().getMetadata().getLabels();
    assertThat(
            service.getSpec().getSelector().entrySet().stream()
                .allMatch(e -> e.getValue().equals(nodeLabels.get(e.getKey()))))
        .as("the Service's selector matches the node collectors too")
        .isFalse();
    Map<String, Integer> targets = new TreeMap<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      targets.put(port.getName(), c.resolve(port.getTargetPort()));
      assertThat(port.getPort())
          .as("service port %s", port.getName())
          .isEqualTo(targets.get(port.getName()));
    }
    assertThat(targets)
        .containsEntry("metrics", port(c.config().path("metrics").path("listen").asText()))
        .containsEntry(
            "webhook",
            port(c.config().path("sources").findValue("webhook").path("listen").asText()));
  }

  @Test
  void nodeCollectorsForwardToTheCentralService() throws IOException {
    Service service = one("central", Service.class);
    String namespace =
        yaml(deployDir().resolve("central/kustomization.yaml")).path("namespace").asText();
    assertThat(
            yaml(deployDir().resolve("node-collector/kustomization.yaml"))
                .path("namespace")
                .asText())
        .isEqualTo(namespace);
    URI url = URI.create(nodeCollector().config().path("forward").path("url").asText());
    assertThat(url.getScheme()).isEqualTo("https");
    assertThat(url.getHost()).isEqualTo(service.getMetadata().getName() + "." + namespace + ".svc");
    assertThat(url.getPort()).isEqualTo(servicePort(service, "webhook"));
    assertThat(nodeCollector().config().has("store")).isFalse();
  }

  private static int servicePort(Service service, String name) {
    return service.getSpec().getPorts().stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getPort();
  }

  @Test
  void theNodeCollectorRunsOnControlPlaneNodesAndReadsTheAuditDirectoryReadOnly()
      throws IOException {
    Collector c = nodeCollector();
    assertThat(c.spec().getNodeSelector())
        .containsEntry("node-role.kubernetes.io/control-plane", "");
    assertThat(c.spec().getTolerations())
        .extracting(Toleration::getKey, Toleration::getOperator, Toleration::getEffect)
        .contains(tuple("node-role.kubernetes.io/control-plane", "Exists", "NoSchedule"));
    List<String> files =
        c.config().path("sources").findValues("file").stream()
            .map(f -> f.path("path").asText())
            .collect(Collectors.toList());
    assertThat(files).as("file sources").isNotEmpty();
    for (String file : files) {
      VolumeMount mount =
          c.mountOf(file).orElseThrow(() -> new AssertionError(file + " is not under a mount"));
      assertThat(mount.getReadOnly()).as("%s is mounted read-only", file).isTrue();
      Volume volume = c.volume(mount.getName());
      assertThat(volume.getHostPath()).as("%s comes from the host", file).isNotNull();
      assertThat(volume.getHostPath().getType()).isEqualTo("Directory");
      // The log kube-apiserver writes (deploy/apiserver) is the one the collector reads.
      Path onHost =
          Path.of(volume.getHostPath().getPath())
              .resolve(file.substring(mount.getMountPath().length() + 1));
      assertThat(onHost.toString()).isEqualTo(apiserverFlags().get("audit-log-path"));
    }
  }

  @Test
  void containersRunTheImageLockedDown() throws IOException {
    long uid = dockerfileUid();
    for (Collector c : List.of(central(), nodeCollector(), eks())) {
      Container container = c.container();
      assertThat(container.getImage()).as(c.dir()).isEqualTo(IMAGE);
      assertThat(c.spec().getSecurityContext().getRunAsNonRoot()).as(c.dir()).isTrue();
      assertThat(c.spec().getSecurityContext().getRunAsUser()).as(c.dir()).isEqualTo(uid);
      assertThat(c.spec().getSecurityContext().getSeccompProfile().getType())
          .as(c.dir())
          .isEqualTo("RuntimeDefault");
      assertThat(c.spec().getAutomountServiceAccountToken()).as(c.dir()).isFalse();
      assertThat(ofType(c.dir(), ServiceAccount.class))
          .extracting(s -> s.getMetadata().getName())
          .as(c.dir())
          .containsExactly(c.spec().getServiceAccountName());
      var security = container.getSecurityContext();
      assertThat(security.getReadOnlyRootFilesystem()).as(c.dir()).isTrue();
      assertThat(security.getAllowPrivilegeEscalation()).as(c.dir()).isFalse();
      assertThat(security.getCapabilities().getDrop()).as(c.dir()).containsExactly("ALL");
      assertThat(c.mountOf("/tmp/x")).as("%s: a writable /tmp", c.dir()).isPresent();
      assertThat(container.getResources().getRequests()).as(c.dir()).containsKeys("cpu", "memory");
      assertThat(container.getResources().getLimits()).as(c.dir()).containsKey("memory");
    }
  }

  @Test
  void theEksCollectorReadsItsSecretWithTheIamPolicysActionsAndKeepsItsStoreOnAClaim()
      throws IOException {
    Collector c = eks();
    Deployment deployment = one("eks", Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    JsonNode source = c.config().path("sources").findValue("eksCloudwatchLog");
    VolumeMount mount =
        c.mountOf(source.path("credentialsSecret").asText() + "/aws-id").orElseThrow();
    Secret secret = one("eks", Secret.class);
    assertThat(c.volume(mount.getName()).getSecret().getSecretName())
        .isEqualTo(secret.getMetadata().getName())
        .isEqualTo("tigera-eks-log-forwarder-secret");
    assertThat(secret.getStringData()).containsOnlyKeys("aws-id", "aws-key");
    VolumeMount store = c.mountOf(c.config().path("store").asText() + "/").orElseThrow();
    assertThat(c.volume(store.getName()).getPersistentVolumeClaim().getClaimName())
        .isEqualTo(one("eks", PersistentVolumeClaim.class).getMetadata().getName());
    JsonNode policy = YAML.readTree(deployDir().resolve("eks/iam-policy.json").toFile());
    List<String> actions = new ArrayList<>();
    policy.path("Statement").forEach(st -> st.path("Action").forEach(a -> actions.add(a.asText())));
    assertThat(actions)
        .containsExactlyInAnyOrder(
            "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents");
    assertThat(policy.path("Statement").get(0).path("Resource").toString())
        .contains("log-group:" + source.path("groupName").asText());
  }

  // ---------------------------------------------------------------------------------------------
  // The image

  private static List<String> dockerfile() throws IOException {
    return Files.readAllLines(deployDir().resolve("Dockerfile"), StandardCharsets.UTF_8);
  }

  private static long dockerfileUid() throws IOException {
    List<String> users =
        dockerfile().stream().filter(l -> l.startsWith("USER ")).collect(Collectors.toList());
    assertThat(users).as("Dockerfile: one USER").hasSize(1);
    long uid = Long.parseLong(users.get(0).substring(5).split(":")[0].strip());
    assertThat(uid).as("Dockerfile: a non-root user").isPositive();
    return uid;
  }

  @Test
  void theImageRunsTheJarWithTheRepositorysJvmOptions() throws IOException {
    List<String> entrypoints =
        dockerfile().stream().filter(l -> l.startsWith("ENTRYPOINT ")).collect(Collectors.toList());
    assertThat(entrypoints).as("Dockerfile: one ENTRYPOINT").hasSize(1);
    List<String> entrypoint = new ArrayList<>();
    YAML.readTree(entrypoints.get(0).substring("ENTRYPOINT ".length()))
        .forEach(a -> entrypoint.add(a.asText()));
    List<String> jvmOptions =
        Files.readAllLines(deployDir().resolveSibling("jvm.options"), StandardCharsets.UTF_8)
            .stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .collect(Collectors.toList());
    assertThat(jvmOptions).isNotEmpty();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.subList(1, 1 + jvmOptions.size())).isEqualTo(jvmOptions);
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
        .containsExactly("-jar", "/opt/kubetrail/kubetrail.jar");
    assertThat(dockerfile())
        .anyMatch(
            l -> l.contains("kubetrail-cli/target/kubetrail.jar /opt/kubetrail/kubetrail.jar"));
    assertThat(dockerfile()).anyMatch(l -> l.matches("FROM \\S*17-jre\\b.*"));
  }

  // ---------------------------------------------------------------------------------------------
  // What kube-apiserver is given

  private static Path apiserver(String file) {
    return deployDir().resolve(APISERVER).resolve(file);
  }

  @Test
  void theAuditPolicyIsWhatPolicyGenerateWritesForCalico() throws IOException {
    CliRunner.Result generated = CliRunner.run("policy", "generate", "--profile", "calico");
    assertThat(generated.exitCode()).as("%s", generated).isEqualTo(ExitCodes.OK);
    assertThat(Files.readString(apiserver("audit-policy.yaml"), StandardCharsets.UTF_8))
        .as(
            "deploy/apiserver/audit-policy.yaml: regenerate it with"
                + " `kubetrail policy generate --profile calico`")
        .isEqualTo(generated.stdout());
  }

  /** The static pod snippet's kube-apiserver flags, by name. */
  private static Map<String, String> apiserverFlags() throws IOException {
    Pod pod =
        KUBE.unmarshal(Files.readString(apiserver("kube-apiserver-static-pod.yaml")), Pod.class);
    assertThat(unknownFields(pod, "Pod")).isEmpty();
    List<String> command = pod.getSpec().getContainers().get(0).getCommand();
    assertThat(command.get(0)).isEqualTo("kube-apiserver");
    Map<String, String> flags = new TreeMap<>();
    for (String flag : command.subList(1, command.size())) {
      assertThat(flag).matches("--[a-z-]+=.+");
      String[] nameValue = flag.substring(2).split("=", 2);
      assertThat(flags.put(nameValue[0], nameValue[1])).as("%s given once", flag).isNull();
    }
    return flags;
  }

  @Test
  void theKubeadmPatchAndTheStaticPodGiveTheSameFlagsAndMounts() throws IOException {
    JsonNode kubeadm = yaml(apiserver("kubeadm-cluster-configuration.yaml"));
    assertThat(kubeadm.path("apiVersion").asText()).isEqualTo("kubeadm.k8s.io/v1beta4");
    assertThat(kubeadm.path("kind").asText()).isEqualTo("ClusterConfiguration");
    Map<String, String> extraArgs = new TreeMap<>();
    for (JsonNode arg : kubeadm.path("apiServer").path("extraArgs")) {
      assertThat(arg.path("value").isTextual()).as("%s: a string", arg).isTrue();
      extraArgs.put(arg.path("name").asText(), arg.path("value").asText());
    }
    assertThat(extraArgs).isEqualTo(apiserverFlags());

    Pod pod =
        KUBE.unmarshal(Files.readString(apiserver("kube-apiserver-static-pod.yaml")), Pod.class);
    List<String> fromPod = new ArrayList<>();
    for (VolumeMount mount : pod.getSpec().getContainers().get(0).getVolumeMounts()) {
      Volume volume =
          pod.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow();
      fromPod.add(
          String.join(
              " ",
              mount.getName(),
              volume.getHostPath().getPath(),
              mount.getMountPath(),
              Boolean.toString(Boolean.TRUE.equals(mount.getReadOnly())),
              volume.getHostPath().getType()));
    }
    List<String> fromKubeadm = new ArrayList<>();
    for (JsonNode v : kubeadm.path("apiServer").path("extraVolumes")) {
      fromKubeadm.add(
          String.join(
              " ",
              v.path("name").asText(),
              v.path("hostPath").asText(),
              v.path("mountPath").asText(),
              Boolean.toString(v.path("readOnly").asBoolean()),
              v.path("pathType").asText()));
    }
    assertThat(fromKubeadm).containsExactlyInAnyOrderElementsOf(fromPod);
  }

  @Test
  void kubeApiserverFlagsPointIntoItsMountsAndKeepTheWebhookDefaults() throws IOException {
    Map<String, String> flags = apiserverFlags();
    Pod pod =
        KUBE.unmarshal(Files.readString(apiserver("kube-apiserver-static-pod.yaml")), Pod.class);
    List<VolumeMount> mounts = pod.getSpec().getContainers().get(0).getVolumeMounts();
    Map<String, Boolean> readOnly = new LinkedHashMap<>();
    for (String flag :
        List.of("audit-policy-file", "audit-webhook-config-file", "audit-log-path")) {
      String path = flags.get(flag);
      assertThat(path).as("--%s", flag).isNotNull();
      VolumeMount mount =
          mounts.stream()
              .filter(m -> path.startsWith(m.getMountPath() + "/"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("--" + flag + "=" + path + " is not mounted"));
      readOnly.put(flag, Boolean.TRUE.equals(mount.getReadOnly()));
    }
    assertThat(readOnly)
        .containsEntry("audit-policy-file", true)
        .containsEntry("audit-webhook-config-file", true)
        .containsEntry("audit-log-path", false);
    assertThat(Path.of(flags.get("audit-policy-file")).getFileName().toString())
        .as("the policy file is installed under its name in deploy/apiserver")
        .isEqualTo("audit-policy.yaml");
    assertThat(flags).containsEntry("audit-log-format", "json");
    for (String rotation :
        List.of("audit-log-maxage", "audit-log-maxbackup", "audit-log-maxsize")) {
      assertThat(Integer.parseInt(flags.get(rotation))).as("--%s", rotation).isPositive();
    }
    Map<String, String> webhook =
        flags.entrySet().stream()
            .filter(
                e -> e.getKey().startsWith("audit-webhook-") && !e.getKey().endsWith("config-file"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(webhook).isEqualTo(WEBHOOK_DEFAULTS);
  }

  @Test
  void theWebhookKubeconfigPointsAtTheCentralServiceWithFilesKubeApiserverMounts()
      throws IOException {
    io.fabric8.kubernetes.api.model.Config kubeconfig =
        KUBE.unmarshal(
            Files.readString(apiserver("audit-webhook-kubeconfig.yaml")),
            io.fabric8.kubernetes.api.model.Config.class);
    assertThat(unknownFields(kubeconfig, "Config")).isEmpty();
    assertThat(kubeconfig.getKind()).isEqualTo("Config");
    NamedContext context =
        kubeconfig.getContexts().stream()
            .filter(c -> c.getName().equals(kubeconfig.getCurrentContext()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no current context"));
    NamedCluster cluster =
        kubeconfig.getClusters().stream()
            .filter(c -> c.getName().equals(context.getContext().getCluster()))
            .findFirst()
            .orElseThrow();
    URI server = URI.create(cluster.getCluster().getServer());
    assertThat(server.getScheme()).isEqualTo("https");
    assertThat(server.getPort()).isEqualTo(servicePort(one("central", Service.class), "webhook"));
    var user =
        kubeconfig.getUsers().stream()
            .filter(u -> u.getName().equals(context.getContext().getUser()))
            .findFirst()
            .orElseThrow()
            .getUser();
    String configDir =
        Path.of(apiserverFlags().get("audit-webhook-config-file")).getParent().toString();
    assertThat(cluster.getCluster().getCertificateAuthority()).startsWith(configDir + "/");
    assertThat(user.getTokenFile()).startsWith(configDir + "/");
  }

  @Test
  void readmeNamesEveryDirectory() throws IOException {
    String readme = Files.readString(deployDir().resolve("README.md"), StandardCharsets.UTF_8);
    try (Stream<Path> dirs = Files.list(deployDir())) {
      for (Iterator<Path> it = dirs.filter(Files::isDirectory).iterator(); it.hasNext(); ) {
        String dir = it.next().getFileName().toString();
        assertThat(readme).as("deploy/README.md names deploy/%s", dir).contains("deploy/" + dir);
      }
    }
    assertThat(readme).contains("kubetrail webhook-config");
  }
}
