package io.muninn.flink;

import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.kv.KvStrategy;
import io.muninn.model.scheduler.AdmissionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Adds recurrent-depth generation to a job. Requests are keyed by {@code request_id}; each operator instance loads
 * the model once and steps many sequences together.
 *
 * <pre>{@code
 * DataStream<RequestEnvelope> requests = ...; // decoded and validated, e.g. from Kafka
 * GenerationStreams out = RecurrentDepthGeneration.builder()
 *         .configure(env.getConfiguration())       // every muninn.* option of the job's Flink configuration
 *         .setModel("/models/huginn-0125")          // setters override it
 *         .setKvStrategy("latest-m4")
 *         .setKvBudget(MemorySize.parse("8gb"))
 *         .setMaxActiveSequences(64)
 *         .build()
 *         .apply(requests);
 * out.tokens().sinkTo(tokenSink);
 * out.completions().sinkTo(completionSink);
 * out.rejected().sinkTo(rejectedSink);
 * }</pre>
 */
public final class RecurrentDepthGeneration {
    public static final String UID = "muninn-recurrent-depth";

    private final GenerationSettings settings;

    private RecurrentDepthGeneration(GenerationSettings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    public GenerationSettings settings() {
        return settings;
    }

    /** Keys {@code requests} by request id and generates. */
    public GenerationStreams apply(DataStream<RequestEnvelope> requests) {
        return apply(requests.keyBy(RequestEnvelope::requestId, Types.STRING));
    }

    /** Generates for a stream already keyed by request id. */
    public GenerationStreams apply(KeyedStream<RequestEnvelope, String> keyed) {
        SingleOutputStreamOperator<io.muninn.schemas.TokenEvent> tokens = keyed
                .transform("Recurrent-depth generation", Records.TOKEN, new RecurrentDepthOperatorFactory(settings))
                .uid(UID);
        return new GenerationStreams(tokens,
                tokens.getSideOutput(RecurrentDepthOperator.COMPLETIONS),
                tokens.getSideOutput(RecurrentDepthOperator.REJECTED));
    }

    /** Collects and checks the operator's settings; {@link #build()} says what is wrong and how to fix it. */
    public static final class Builder {
        private String model;
        private String kvStrategy = MuninnOptions.KV_STRATEGY.defaultValue();
        private long kvBudget = MuninnOptions.KV_BUDGET.defaultValue().getBytes();
        private int kvBlockTokens = MuninnOptions.KV_BLOCK_TOKENS.defaultValue();
        private int maxSteps = MuninnOptions.MAX_STEPS.defaultValue();
        private int maxActive = MuninnOptions.MAX_ACTIVE_SEQUENCES.defaultValue();
        private int maxWaiting = MuninnOptions.MAX_WAITING_SEQUENCES.defaultValue();
        private int maxRows = MuninnOptions.MAX_ROWS_PER_STEP.defaultValue();
        private Integer prefillChunk; // null: the default, capped at the rows per step
        private int maxNewTokens = MuninnOptions.MAX_NEW_TOKENS.defaultValue();
        private AdmissionPolicy admission = MuninnOptions.ADMISSION.defaultValue();
        private boolean exitInPrefill = MuninnOptions.EXIT_IN_PREFILL.defaultValue();
        private Duration tpotTarget; // null: no latency target
        private Duration tpotWindow = MuninnOptions.LATENCY_WINDOW.defaultValue();
        private Duration stageDwell = MuninnOptions.LATENCY_DWELL.defaultValue();
        private int maxStage = MuninnOptions.LATENCY_MAX_STAGE.defaultValue();

        private Builder() {}

        /**
         * Takes every {@code muninn.*} option set in {@code config} (a job's {@code env.getConfiguration()}: the
         * cluster's config file and {@code -D} options); options not set there keep their current value, and later
         * setters override.
         */
        public Builder configure(ReadableConfig config) {
            config.getOptional(MuninnOptions.MODEL).ifPresent(this::setModel);
            config.getOptional(MuninnOptions.KV_STRATEGY).ifPresent(this::setKvStrategy);
            config.getOptional(MuninnOptions.KV_BUDGET).ifPresent(this::setKvBudget);
            config.getOptional(MuninnOptions.KV_BLOCK_TOKENS).ifPresent(this::setKvBlockTokens);
            config.getOptional(MuninnOptions.MAX_STEPS).ifPresent(this::setMaxSteps);
            config.getOptional(MuninnOptions.MAX_ACTIVE_SEQUENCES).ifPresent(this::setMaxActiveSequences);
            config.getOptional(MuninnOptions.MAX_WAITING_SEQUENCES).ifPresent(this::setMaxWaitingSequences);
            config.getOptional(MuninnOptions.MAX_ROWS_PER_STEP).ifPresent(this::setMaxRowsPerStep);
            config.getOptional(MuninnOptions.PREFILL_CHUNK).ifPresent(this::setPrefillChunk);
            config.getOptional(MuninnOptions.MAX_NEW_TOKENS).ifPresent(this::setMaxNewTokens);
            config.getOptional(MuninnOptions.ADMISSION).ifPresent(this::setAdmission);
            config.getOptional(MuninnOptions.EXIT_IN_PREFILL).ifPresent(this::setExitInPrefill);
            config.getOptional(MuninnOptions.LATENCY_TPOT_TARGET).ifPresent(this::setTpotTarget);
            config.getOptional(MuninnOptions.LATENCY_WINDOW).ifPresent(w -> this.tpotWindow = w);
            config.getOptional(MuninnOptions.LATENCY_DWELL).ifPresent(d -> this.stageDwell = d);
            config.getOptional(MuninnOptions.LATENCY_MAX_STAGE).ifPresent(s -> this.maxStage = s);
            return this;
        }

        /** The time per output token to hold ({@link MuninnOptions#LATENCY_TPOT_TARGET}); null for none. */
        public Builder setTpotTarget(Duration target) {
            this.tpotTarget = target;
            return this;
        }

        /** How the latency target measures and moves: {@link MuninnOptions#LATENCY_WINDOW} and the others. */
        public Builder setLatencyControl(Duration window, Duration dwell, int maxStage) {
            this.tpotWindow = window;
            this.stageDwell = dwell;
            this.maxStage = maxStage;
            return this;
        }

        public Builder setModel(String directory) {
            this.model = directory;
            return this;
        }

        public Builder setModel(Path directory) {
            return setModel(directory.toString());
        }

        public Builder setKvStrategy(String strategy) {
            this.kvStrategy = strategy;
            return this;
        }

        public Builder setKvBudget(MemorySize budget) {
            this.kvBudget = budget.getBytes();
            return this;
        }

        public Builder setKvBlockTokens(int tokens) {
            this.kvBlockTokens = tokens;
            return this;
        }

        /** The default for requests that do not say ({@link MuninnOptions#EXIT_IN_PREFILL}). */
        public Builder setExitInPrefill(boolean exitInPrefill) {
            this.exitInPrefill = exitInPrefill;
            return this;
        }

        public Builder setMaxSteps(int steps) {
            this.maxSteps = steps;
            return this;
        }

        public Builder setMaxActiveSequences(int n) {
            this.maxActive = n;
            return this;
        }

        public Builder setMaxWaitingSequences(int n) {
            this.maxWaiting = n;
            return this;
        }

        public Builder setMaxRowsPerStep(int rows) {
            this.maxRows = rows;
            return this;
        }

        public Builder setPrefillChunk(int rows) {
            this.prefillChunk = rows;
            return this;
        }

        public Builder setMaxNewTokens(int n) {
            this.maxNewTokens = n;
            return this;
        }

        public Builder setAdmission(AdmissionPolicy policy) {
            this.admission = policy;
            return this;
        }

        public RecurrentDepthGeneration build() {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("a model directory is required: call setModel(dir) or set "
                        + MuninnOptions.MODEL.key());
            }
            if (!Files.exists(Path.of(model, "config.json"))) {
                throw new InvalidSettingException(MuninnOptions.MODEL, model, " ", String.format("must be a model "
                        + "directory holding config.json but %s has none (on a cluster the directory must exist where "
                        + "the job is built and on every task manager)", model), null);
            }
            ModelConfig config;
            try {
                config = ConfigReader.read(Path.of(model, ConfigReader.FILE_NAME));
            } catch (RuntimeException e) {
                throw new InvalidSettingException(MuninnOptions.MODEL, model, ": ",
                        String.format("cannot read %s: %s", Path.of(model, ConfigReader.FILE_NAME), e.getMessage()), e);
            }
            KvStrategy strategy;
            try {
                // against the model's own layout: -mN must name its core block (latest-m1 on a one-layer core)
                strategy = KvStrategy.parse(kvStrategy, config.coreLayers());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(MuninnOptions.KV_STRATEGY, kvStrategy, ": ", e.getMessage(), e);
            }
            positive(MuninnOptions.KV_BUDGET, kvBudget);
            positive(MuninnOptions.KV_BLOCK_TOKENS, kvBlockTokens);
            if (maxSteps < 0) {
                throw new InvalidSettingException(MuninnOptions.MAX_STEPS, maxSteps, " ",
                        "must be >= 0 (0 = the model's mean_recurrence) but was " + maxSteps, null);
            }
            positive(MuninnOptions.MAX_ACTIVE_SEQUENCES, maxActive);
            positive(MuninnOptions.MAX_WAITING_SEQUENCES, maxWaiting);
            positive(MuninnOptions.MAX_ROWS_PER_STEP, maxRows);
            positive(MuninnOptions.MAX_NEW_TOKENS, maxNewTokens);
            int chunk = prefillChunk != null ? prefillChunk : Math.min(MuninnOptions.PREFILL_CHUNK.defaultValue(), maxRows);
            if (chunk < 1 || chunk > maxRows) {
                throw new InvalidSettingException(MuninnOptions.PREFILL_CHUNK, chunk, " ", String.format(
                        "must be in [1, %s] (%s) but was %s", maxRows, MuninnOptions.MAX_ROWS_PER_STEP.key(), chunk), null);
            }
            if (admission == null) {
                throw new IllegalArgumentException(MuninnOptions.ADMISSION.key() + " must not be null");
            }
            var settings = new GenerationSettings(model, strategy.name(), kvBudget, kvBlockTokens, maxSteps, maxActive,
                    maxWaiting, maxRows, chunk, maxNewTokens, admission, exitInPrefill,
                    tpotTarget == null ? 0 : tpotTarget.toNanos(), tpotWindow.toNanos(), stageDwell.toNanos(),
                    maxStage);
            if (tpotTarget != null) {
                if (tpotTarget.isNegative() || tpotTarget.isZero()) {
                    throw new IllegalArgumentException(String.format("%s must be > 0 but was %s",
                            MuninnOptions.LATENCY_TPOT_TARGET.key(), tpotTarget));
                }
                try {
                    settings.latencyTarget();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(String.format("%s, %s, %s: %s",
                            MuninnOptions.LATENCY_WINDOW.key(), MuninnOptions.LATENCY_DWELL.key(),
                            MuninnOptions.LATENCY_MAX_STAGE.key(), e.getMessage()), e);
                }
            }
            return new RecurrentDepthGeneration(settings);
        }

        private static void positive(ConfigOption<?> option, long value) {
            if (value < 1) {
                throw new InvalidSettingException(option, value, " ", "must be >= 1 but was " + value, null);
            }
        }
    }
}
