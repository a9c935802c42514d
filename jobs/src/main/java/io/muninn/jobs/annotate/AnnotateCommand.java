package io.muninn.jobs.annotate;

import io.muninn.flink.GenerationSettings;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.ClusterOptions;
import io.muninn.jobs.CriterionOptions;
import io.muninn.jobs.EngineOptionsMixin;
import io.muninn.jobs.Environments;
import io.muninn.jobs.KafkaOptions;
import io.muninn.model.config.ConfigReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs AnnotateJob over JSONL or CSV files (locally or on a cluster) with a progress bar, then a summary. */
@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = "Annotate every record of JSONL or CSV files with the model's answer to a prompt template.")
public final class AnnotateCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "INPUT", description = "JSONL or CSV files (or directories of them).")
    List<Path> inputs = new java.util.ArrayList<>();

    @Option(names = "--input-topic", description = "Read records (JSON lines) from this topic instead of files: from "
            + "the committed offsets of group muninn-annotate (else the beginning) up to the latest offsets at start.")
    String inputTopic;

    @Option(names = "--output-topic", description = "Also write the annotation rows to this topic, exactly-once.")
    String outputTopic;

    @Option(names = "--template", required = true, description = "Prompt with {field} placeholders, e.g. \"Q: {question}\\nA:\".")
    String template;

    @Option(names = "--output", required = true, description = "Output directory: annotations/ and rejected/ JSON lines.")
    Path output;

    @Option(names = "--input-format", defaultValue = "auto", description = "jsonl, csv or auto (by file extension; default: ${DEFAULT-VALUE}).")
    String inputFormat;

    @Option(names = "--id-field", defaultValue = "id", description = "Field identifying a record (default: ${DEFAULT-VALUE}); "
            + "without it a record is identified by a hash of its fields.")
    String idField;

    @Option(names = "--chat", description = "Send the prompt as a user message through the model's chat template.")
    boolean chat;

    @Option(names = "--max-new-tokens-per-answer", defaultValue = "64", description = "Answer length at most (default: ${DEFAULT-VALUE}).")
    int answerTokens;

    @Option(names = "--total-steps-budget", description = "Recurrence steps one answer may spend over all its tokens "
            + "(generation.total_steps_budget; default: none). At least --max-new-tokens-per-answer.")
    Long totalStepsBudget;

    @Option(names = "--checkpoint-interval", defaultValue = "PT2S", description = "Checkpoint interval, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Mixin
    EngineOptionsMixin engine;

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    CriterionOptions exit;

    @Mixin
    ClusterOptions cluster;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafkaOptions.bootstrap;
        if ((inputTopic != null || outputTopic != null) && bootstrap == null) {
            throw new IllegalArgumentException("--input-topic and --output-topic need --bootstrap-servers");
        }
        if (inputTopic != null && !inputs.isEmpty()) {
            throw new IllegalArgumentException("give INPUT files or --input-topic, not both");
        }
        RecordFormat format = inputTopic != null ? new RecordFormat.JsonLines() : format();
        AnnotateJobConfig.KafkaIo kafka = bootstrap == null ? null : new AnnotateJobConfig.KafkaIo(bootstrap, inputTopic,
                outputTopic, io.muninn.jobs.kafka.KafkaSettings.load(kafkaOptions.kafkaProperties));
        AnnotateJobConfig config = new AnnotateJobConfig(
                inputs.stream().map(p -> p.toAbsolutePath().normalize().toUri().toString()).toList(), format,
                new PromptTemplate(template), chat, idField,
                output.toAbsolutePath().normalize().toUri().toString(),
                answerTokens, exit.criterion, exit.threshold, checkpointInterval.toMillis(), kafka, totalStepsBudget);
        StreamExecutionEnvironment env = Environments.of(cluster.jobManager, cluster.jobJar, cluster.parallelism, engine.flinkConfiguration());
        // the job's Flink configuration (cluster config file, -D) first, then this command line's options
        RecurrentDepthGeneration generation = engine.generation(env.getConfiguration());
        long total = inputTopic != null ? 0 : countRecords(format);
        AnnotateJob.build(env, config, generation);
        long start = System.nanoTime();
        JobClient job = env.executeAsync("muninn annotate");
        var result = job.getJobExecutionResult();
        long shown = 0;
        while (!result.isDone()) {
            shown = Math.max(shown, committedRecords(job, shown));
            progress(shown, total, start);
            Thread.sleep(500);
        }
        JobExecutionResult done = result.get();
        progress(Math.max(shown, counter(done, ToAnnotation.RECORDS)), total, start);
        err.println();
        summary(done, generation.settings(), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private RecordFormat format() throws IOException {
        String f = inputFormat;
        if (f.equals("auto")) {
            String name = inputs.get(0).getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            f = name.endsWith(".csv") ? "csv" : "jsonl";
        }
        return switch (f) {
            case "jsonl" -> new RecordFormat.JsonLines();
            case "csv" -> new RecordFormat.Csv();
            default -> throw new IllegalArgumentException("--input-format must be jsonl, csv or auto but was '" + f + "'");
        };
    }

    private Stream<Path> files() throws IOException {
        Stream<Path> all = Stream.empty();
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("INPUT " + p + " does not exist");
            }
            all = Stream.concat(all, Files.isDirectory(p)
                    ? Files.walk(p).filter(Files::isRegularFile).toList().stream() : Stream.of(p));
        }
        return all;
    }

    /** The records the input holds (the progress bar's 100%): non-blank JSON lines, or CSV records that have a value per column. */
    private long countRecords(RecordFormat format) throws IOException {
        long n = 0;
        for (Path f : files().toList()) {
            if (format instanceof RecordFormat.Csv) {
                long[] records = {0};
                try (var in = Files.newInputStream(f)) {
                    CsvRecords.forEach(in, r -> records[0] += r.error == null ? 1 : 0);
                }
                n += records[0];
            } else {
                try (Stream<String> lines = Files.lines(f)) {
                    n += lines.filter(l -> !l.isBlank()).count();
                }
            }
        }
        return n;
    }

    /**
     * The annotations the job's sinks have committed so far, read from its accumulators through the job client (a
     * local MiniCluster or a remote cluster's REST API), or {@code previous} when they cannot be read now. Flink
     * refreshes them with the task managers' heartbeats, and a restarted task reports them anew, so a caller shows
     * the largest value seen.
     */
    static long committedRecords(JobClient job, long previous) {
        try {
            Object v = job.getAccumulators().get(10, java.util.concurrent.TimeUnit.SECONDS).get(ToAnnotation.RECORDS);
            return v instanceof Number n ? n.longValue() : previous;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return previous;
        } catch (Exception e) {
            return previous;
        }
    }

    private void progress(long done, long total, long startNanos) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        int width = 30;
        int filled = total == 0 ? width : (int) Math.min(width, width * done / total);
        String eta = rate > 0 && total > done ? String.format("%.0fs", (total - done) / rate) : "-";
        if (total == 0) {
            err.printf("\r%d records  %.1f rec/s   ", done, rate);
            return;
        }
        err.printf("\r[%s%s] %d/%d records  %.1f rec/s  ETA %s   ", "#".repeat(filled), ".".repeat(width - filled),
                done, total, rate, eta);
    }

    private void summary(JobExecutionResult r, GenerationSettings settings, double seconds) throws IOException {
        long records = counter(r, ToAnnotation.RECORDS);
        long tokens = counter(r, ToAnnotation.TOKENS);
        long steps = counter(r, ToAnnotation.STEPS);
        long errors = counter(r, ToAnnotation.ERRORS);
        int maxSteps = settings.maxSteps() > 0 ? settings.maxSteps()
                : ConfigReader.read(Path.of(settings.modelPath(), ConfigReader.FILE_NAME)).meanRecurrence();
        long rejected = cluster.jobManager == null && output != null ? CommittedFiles.lines(output.resolve("rejected")).size() : 0;
        double mean = tokens == 0 ? 0 : (double) steps / tokens;
        err.printf("muninn annotate: %d records in %.1f s; %d tokens, %.1f tokens/s; mean %.2f steps per token "
                        + "(fixed depth %d: %.0f%% of the compute saved); %d errors, %d rejected records; output in %s%n",
                records, seconds, tokens, tokens / Math.max(seconds, 1e-9), mean, maxSteps,
                100 * (1 - mean / maxSteps), errors, rejected, outputTopic != null ? output + " and topic " + outputTopic : output);
    }

    private static long counter(JobExecutionResult r, String name) {
        Object v = r.getAccumulatorResult(name);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
