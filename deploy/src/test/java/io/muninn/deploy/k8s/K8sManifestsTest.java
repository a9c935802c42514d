package io.muninn.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests and Dockerfiles cannot be applied or built here (no cluster, no Docker engine), so this
 * checks what would break them: the fields the operators need, and that the manifests, the images and the job's
 * command line agree with one another.
 */
class K8sManifestsTest {
    private static final Path K8S = Path.of("k8s");
    private static final Path DOCKER = Path.of("docker");

    @Test
    void flinkDeploymentRunsGenerateJobOnGpuTaskManagers() throws IOException {
        Map<String, Object> d = single("flink-deployment.yaml");
        assertThat(d).containsEntry("apiVersion", "flink.apache.org/v1beta1").containsEntry("kind", "FlinkDeployment");
        Map<String, Object> spec = map(d, "spec");
        assertThat((String) spec.get("flinkVersion")).startsWith("v2_");

        Map<String, Object> job = map(spec, "job");
        assertThat(job.get("jarURI")).isEqualTo("local://" + imagePath("Dockerfile.cuda", "muninn-job.jar"));
        assertThat(job.get("entryClass")).isEqualTo("io.muninn.cli.Muninn");
        assertThat(job.get("upgradeMode")).isEqualTo("savepoint");
        @SuppressWarnings("unchecked")
        List<String> args = (List<String>) job.get("args");
        assertThat(args.get(0)).isEqualTo("generate");
        Set<String> known = generateOptions();
        for (String a : args) {
            if (a.startsWith("--")) {
                assertThat(known).as("GenerateCommand has option %s", a).contains(a);
            }
        }

        Map<String, Object> conf = map(spec, "flinkConfiguration");
        assertThat((String) conf.get("execution.checkpointing.dir")).startsWith("s3://");
        assertThat((String) conf.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
        assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
        assertThat(conf.get("external-resources")).isEqualTo("gpu");
        assertThat(conf.get("external-resource.gpu.driver-factory.class"))
                .isEqualTo("org.apache.flink.externalresource.gpu.GPUDriverFactory");
        assertThat(conf.get("external-resource.gpu.param.discovery-script.path"))
                .isEqualTo(imagePath("Dockerfile.cuda", "gpu-discovery.sh"));
        assertThat(List.of(((String) conf.get("classloader.parent-first-patterns.additional")).split(";")))
                .as("the same parent-first libraries as the local cluster")
                .containsExactlyInAnyOrderElementsOf(localParentFirstPatterns());
        assertThat((String) conf.get("env.java.opts.all")).contains("-DOPT_OUT_TRACKING=true", "-Doffline=true");

        Map<String, Object> tmPod = map(map(map(spec, "taskManager"), "podTemplate"), "spec");
        Map<String, Object> tmContainer = first(tmPod, "containers");
        assertThat(tmContainer.get("name")).isEqualTo("flink-main-container");
        assertThat(map(map(tmContainer, "resources"), "limits")).containsEntry("nvidia.com/gpu", 1);
        String modelMount = (String) first(tmContainer, "volumeMounts").get("mountPath");
        assertThat(args.get(args.indexOf("--model") + 1)).isEqualTo(modelMount);
        Map<String, Object> modelVolume = first(tmPod, "volumes");
        assertThat(map(modelVolume, "persistentVolumeClaim").get("claimName"))
                .isEqualTo(map(single("model-volume.yaml"), "metadata").get("name"));

        // The Kafka client settings the job reads are mounted where its --kafka-properties points.
        Map<String, Object> pod = map(map(spec, "podTemplate"), "spec");
        Map<String, Object> main = first(pod, "containers");
        String props = args.get(args.indexOf("--kafka-properties") + 1);
        assertThat(mounts(main)).contains(Path.of(props).getParent().toString());
        String clientProperties = (String) map(single("kafka-client.yaml"), "data").get(Path.of(props).getFileName().toString());
        assertThat(clientProperties).contains("security.protocol=SASL_SSL").doesNotContain("password=");
        for (String path : List.of("/opt/muninn/kafka-user", "/opt/muninn/kafka-ca")) {
            assertThat(clientProperties).contains(path);
            assertThat(mounts(main)).contains(path);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> env = (List<Map<String, Object>>) main.get("env");
        assertThat(env).as("the malloc settings bin/muninn and the local cluster use")
                .anySatisfy(e -> assertThat(e).containsEntry("name", "MALLOC_ARENA_MAX").containsEntry("value", "2"))
                .anySatisfy(e -> assertThat(e).containsEntry("name", "OMP_WAIT_POLICY").containsEntry("value", "PASSIVE"));
    }

    @Test
    void kafkaClusterTopicsAndUserMatchTheJob() throws IOException {
        List<Map<String, Object>> kafka = all("kafka.yaml");
        Map<String, Object> cluster = kafka.stream().filter(k -> "Kafka".equals(k.get("kind"))).findFirst().orElseThrow();
        assertThat(map(cluster, "metadata").get("annotations"))
                .isEqualTo(Map.of("strimzi.io/node-pools", "enabled", "strimzi.io/kraft", "enabled"));
        Map<String, Object> config = map(map(map(cluster, "spec"), "kafka"), "config");
        assertThat(config).containsEntry("transaction.state.log.replication.factor", 3)
                .containsEntry("transaction.state.log.min.isr", 2).containsEntry("min.insync.replicas", 2);
        Map<String, Object> pool = kafka.stream().filter(k -> "KafkaNodePool".equals(k.get("kind"))).findFirst().orElseThrow();
        assertThat(map(pool, "spec").get("roles")).isEqualTo(List.of("controller", "broker"));
        String clusterName = (String) map(cluster, "metadata").get("name");

        List<String> args = jobArgs();
        Set<String> topics = new HashSet<>();
        for (Map<String, Object> t : all("topics.yaml")) {
            assertThat(t.get("kind")).isEqualTo("KafkaTopic");
            assertThat(map(map(t, "metadata"), "labels")).containsEntry("strimzi.io/cluster", clusterName);
            topics.add((String) map(t, "metadata").get("name"));
        }
        List<String> jobTopics = List.of(arg(args, "--prompts-topic"), arg(args, "--tokens-topic"),
                arg(args, "--completions-topic"), arg(args, "--rejected-topic"));
        assertThat(topics).containsExactlyInAnyOrderElementsOf(jobTopics);
        assertThat(arg(args, "--bootstrap-servers")).startsWith(clusterName + "-kafka-bootstrap.");

        Map<String, Object> user = single("kafka-user.yaml");
        List<String> granted = new ArrayList<>();
        for (Object o : (List<?>) map(map(user, "spec"), "authorization").get("acls")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) o).get("resource");
            granted.add(resource.get("type") + ":" + resource.get("name") + ":" + resource.get("patternType"));
        }
        assertThat(granted).contains("group:" + arg(args, "--group-id") + ":literal",
                "transactionalId:" + arg(args, "--transactional-id-prefix") + ":prefix");
        for (String t : jobTopics) {
            assertThat(granted).contains("topic:" + t + ":literal");
        }
    }

    @Test
    void imagesAddTheNativeLibrariesTheJobJarAndTheGpuPlugin() throws IOException {
        String flinkVersion = property("flink.version");
        for (String file : List.of("Dockerfile.cpu", "Dockerfile.cuda")) {
            String text = Files.readString(DOCKER.resolve(file));
            assertThat(text).as(file).contains("FROM flink:" + flinkVersion + "-java17")
                    .contains("deploy/runtime-flink/target/native-lib/ /opt/flink/lib/")
                    .contains("/opt/flink/plugins/external-resource-gpu/")
                    .contains("ENV OPT_OUT_TRACKING=true")
                    .contains("MALLOC_ARENA_MAX=2")
                    .contains("OMP_WAIT_POLICY=PASSIVE");
        }
        assertThat(Files.readString(DOCKER.resolve("Dockerfile.cuda"))).contains("-Pcuda").contains("ENV RUST_FLAVOR=cpu");
        assertThat(Files.readString(DOCKER.resolve("Dockerfile.cpu"))).doesNotContain("-Pcuda");
    }

    /**
     * The Prometheus reporter is configured the same way on Kubernetes and in the local cluster, the pods are
     * annotated for scraping on its port, and the plugin is where Flink looks for it (images and runtime-flink).
     */
    @Test
    void prometheusReporterIsConfiguredOnKubernetesAndLocally() throws IOException {
        String factory = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
        Map<String, Object> spec = map(single("flink-deployment.yaml"), "spec");
        Map<String, Object> conf = map(spec, "flinkConfiguration");
        assertThat(conf.get("metrics.reporter.prom.factory.class")).isEqualTo(factory);
        String port = (String) conf.get("metrics.reporter.prom.port");
        Map<String, Object> podTemplate = map(spec, "podTemplate");
        assertThat(map(map(podTemplate, "metadata"), "annotations")).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", port);
        Map<String, Object> ports = first(first(map(podTemplate, "spec"), "containers"), "ports");
        assertThat(ports.get("containerPort")).isEqualTo(Integer.parseInt(port));

        Map<String, Object> local = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Path.of("local/conf/config.yaml")).replace("@GPU_CONFIG@", "").replaceAll("@[A-Z_]+@", "0"));
        Map<String, Object> prom = map(map(map(local, "metrics"), "reporter"), "prom");
        assertThat(map(prom, "factory").get("class")).isEqualTo(factory);
        assertThat((String) prom.get("port")).as("a range: the JobManager and two TaskManagers share a host")
                .matches("\\d+-\\d+");

        for (String file : List.of("Dockerfile.cpu", "Dockerfile.cuda")) {
            assertThat(Files.readString(DOCKER.resolve(file))).as(file)
                    .contains("plugins/metrics-prometheus/ /opt/flink/plugins/metrics-prometheus/");
        }
        assertThat(Files.readString(Path.of("runtime-flink/pom.xml")))
                .contains("<artifactId>flink-metrics-prometheus</artifactId>")
                .contains("${project.build.directory}/plugins/metrics-prometheus");
    }

    /** Where the image copies the file named {@code name} (its COPY line's destination). */
    private static String imagePath(String dockerfile, String name) throws IOException {
        Matcher m = Pattern.compile("(?m)^COPY .* (\\S*/" + Pattern.quote(name) + ")$").matcher(Files.readString(DOCKER.resolve(dockerfile)));
        assertThat(m.find()).as("%s copies %s", dockerfile, name).isTrue();
        return m.group(1);
    }

    /** Every option of {@code muninn generate} (GenerateCommand and its option groups), from their sources. */
    private static Set<String> generateOptions() throws IOException {
        Set<String> names = new HashSet<>();
        Path jobs = Path.of("../jobs/src/main/java/io/muninn/jobs");
        for (Path p : List.of(jobs.resolve("generate/GenerateCommand.java"), jobs.resolve("EngineOptionsMixin.java"),
                jobs.resolve("KafkaOptions.java"), jobs.resolve("ClusterOptions.java"))) {
            Matcher m = Pattern.compile("names = \"(--[a-z-]+)\"").matcher(Files.readString(p));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        assertThat(names).contains("--model", "--bootstrap-servers");
        return names;
    }

    private static List<String> localParentFirstPatterns() throws IOException {
        Matcher m = Pattern.compile("additional: \\[(.*)]").matcher(Files.readString(Path.of("local/conf/config.yaml")));
        assertThat(m.find()).isTrue();
        return List.of(m.group(1).split(",\\s*"));
    }

    private static String property(String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)<").matcher(Files.readString(Path.of("../pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    private static List<String> jobArgs() throws IOException {
        return (List<String>) map(map(single("flink-deployment.yaml"), "spec"), "job").get("args");
    }

    private static String arg(List<String> args, String option) {
        int i = args.indexOf(option);
        assertThat(i).as("the job passes %s", option).isNotNegative();
        return args.get(i + 1);
    }

    private static List<String> mounts(Map<String, Object> container) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) container.get("volumeMounts")) {
            out.add((String) ((Map<?, ?>) o).get("mountPath"));
        }
        return out;
    }

    private static Map<String, Object> single(String file) throws IOException {
        List<Map<String, Object>> docs = all(file);
        assertThat(docs).as(file).hasSize(1);
        return docs.get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> all(String file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(K8S.resolve(file)))) {
            assertThat(doc).as("a document of %s", file).isInstanceOf(Map.class);
            Map<String, Object> m = (Map<String, Object>) doc;
            assertThat(m).as("%s", file).containsKeys("apiVersion", "kind", "metadata");
            out.add(m);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> first(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) ((List<Object>) parent.get(key)).get(0);
    }
}
