package io.muninn.flink;

import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.kv.KvStrategy;
import io.muninn.model.scheduler.AdmissionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
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

    /**
     * Collects and checks the operator's settings; {@link #build()} says what is wrong and how to fix it. The
     * settings are {@link MuninnOptions}' options, held in one {@link Configuration}: a setter sets its option, an
     * option never set keeps its default.
     */
    public static final class Builder {
        /** The options {@link #configure} takes from a job's configuration. */
        private static final List<ConfigOption<?>> OPTIONS = List.of(MuninnOptions.MODEL, MuninnOptions.KV_STRATEGY,
                MuninnOptions.KV_BUDGET, MuninnOptions.KV_BLOCK_TOKENS, MuninnOptions.MAX_STEPS,
                MuninnOptions.MAX_ACTIVE_SEQUENCES, MuninnOptions.MAX_WAITING_SEQUENCES,
                MuninnOptions.MAX_ROWS_PER_STEP, MuninnOptions.PREFILL_CHUNK, MuninnOptions.MAX_NEW_TOKENS, MuninnOptions.ADMISSION,
                MuninnOptions.EXIT_IN_PREFILL, MuninnOptions.LATENCY_TPOT_TARGET, MuninnOptions.LATENCY_WINDOW,
                MuninnOptions.LATENCY_DWELL, MuninnOptions.LATENCY_MAX_STAGE);

        private final Configuration options = new Configuration();

        private Builder() {}

        /**
         * Takes every {@code muninn.*} option set in {@code config} (a job's {@code env.getConfiguration()}: the
         * cluster's config file and {@code -D} options); options not set there keep their current value, and later
         * setters override.
         */
        public Builder configure(ReadableConfig config) {
            OPTIONS.forEach(option -> copy(config, option));
            return this;
        }

        private <T> void copy(ReadableConfig config, ConfigOption<T> option) {
            config.getOptional(option).ifPresent(value -> set(option, value));
        }

        /**
         * Sets one option. Null unsets an option without a default ({@link MuninnOptions#MODEL},
         * {@link MuninnOptions#LATENCY_TPOT_TARGET}) and is refused for the others.
         */
        private <T> Builder set(ConfigOption<T> option, T value) {
            if (value != null) {
                options.set(option, value);
            } else if (!option.hasDefaultValue()) {
                options.removeConfig(option);
            } else {
                throw new IllegalArgumentException(option.key() + " must not be null");
            }
            return this;
        }

        /** The time per output token to hold ({@link MuninnOptions#LATENCY_TPOT_TARGET}); null for none. */
        public Builder setTpotTarget(Duration target) {
            return set(MuninnOptions.LATENCY_TPOT_TARGET, target);
        }

        /** How the latency target measures and moves: {@link MuninnOptions#LATENCY_WINDOW} and the others. */
        public Builder setLatencyControl(Duration window, Duration dwell, int maxStage) {
            set(MuninnOptions.LATENCY_WINDOW, window);
            set(MuninnOptions.LATENCY_DWELL, dwell);
            return set(MuninnOptions.LATENCY_MAX_STAGE, maxStage);
        }

        /** The model directory ({@link MuninnOptions#MODEL}); required. */
        public Builder setModel(String directory) {
            return set(MuninnOptions.MODEL, directory);
        }

        public Builder setModel(Path directory) {
            return setModel(directory.toString());
        }

        /** How the KV cache is kept and looked up ({@link MuninnOptions#KV_STRATEGY}). */
        public Builder setKvStrategy(String strategy) {
            return set(MuninnOptions.KV_STRATEGY, strategy);
        }

        /** The KV pool's size ({@link MuninnOptions#KV_BUDGET}). */
        public Builder setKvBudget(MemorySize budget) {
            return set(MuninnOptions.KV_BUDGET, budget);
        }

        /** Positions per KV block ({@link MuninnOptions#KV_BLOCK_TOKENS}). */
        public Builder setKvBlockTokens(int tokens) {
            return set(MuninnOptions.KV_BLOCK_TOKENS, tokens);
        }

        /** The default for requests that do not say ({@link MuninnOptions#EXIT_IN_PREFILL}). */
        public Builder setExitInPrefill(boolean exitInPrefill) {
            return set(MuninnOptions.EXIT_IN_PREFILL, exitInPrefill);
        }

        /** The recurrence cap per token, 0 for the model's mean recurrence ({@link MuninnOptions#MAX_STEPS}). */
        public Builder setMaxSteps(int steps) {
            return set(MuninnOptions.MAX_STEPS, steps);
        }

        /** Sequences stepped together at most ({@link MuninnOptions#MAX_ACTIVE_SEQUENCES}). */
        public Builder setMaxActiveSequences(int n) {
            return set(MuninnOptions.MAX_ACTIVE_SEQUENCES, n);
        }

        /** Requests held waiting before backpressure ({@link MuninnOptions#MAX_WAITING_SEQUENCES}). */
        public Builder setMaxWaitingSequences(int n) {
            return set(MuninnOptions.MAX_WAITING_SEQUENCES, n);
        }

        /** Rows in one recurrence step at most ({@link MuninnOptions#MAX_ROWS_PER_STEP}). */
        public Builder setMaxRowsPerStep(int rows) {
            return set(MuninnOptions.MAX_ROWS_PER_STEP, rows);
        }

        /**
         * Prompt rows per prefill chunk ({@link MuninnOptions#PREFILL_CHUNK}); never set, its default capped at the
         * rows per step.
         */
        public Builder setPrefillChunk(int rows) {
            return set(MuninnOptions.PREFILL_CHUNK, rows);
        }

        /** The default and cap of a request's new tokens ({@link MuninnOptions#MAX_NEW_TOKENS}). */
        public Builder setMaxNewTokens(int n) {
            return set(MuninnOptions.MAX_NEW_TOKENS, n);
        }

        /** What admitting a sequence reserves ({@link MuninnOptions#ADMISSION}). */
        public Builder setAdmission(AdmissionPolicy policy) {
            return set(MuninnOptions.ADMISSION, policy);
        }

        public RecurrentDepthGeneration build() {
            String model = options.get(MuninnOptions.MODEL);
            String kvStrategy = options.get(MuninnOptions.KV_STRATEGY);
            long kvBudget = options.get(MuninnOptions.KV_BUDGET).getBytes();
            int kvBlockTokens = options.get(MuninnOptions.KV_BLOCK_TOKENS);
            int maxSteps = options.get(MuninnOptions.MAX_STEPS);
            int maxRows = options.get(MuninnOptions.MAX_ROWS_PER_STEP);
            Duration tpotTarget = options.get(MuninnOptions.LATENCY_TPOT_TARGET);
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
            positive(MuninnOptions.MAX_ACTIVE_SEQUENCES, options.get(MuninnOptions.MAX_ACTIVE_SEQUENCES));
            positive(MuninnOptions.MAX_WAITING_SEQUENCES, options.get(MuninnOptions.MAX_WAITING_SEQUENCES));
            positive(MuninnOptions.MAX_ROWS_PER_STEP, maxRows);
            positive(MuninnOptions.MAX_NEW_TOKENS, options.get(MuninnOptions.MAX_NEW_TOKENS));
            int chunk = options.getOptional(MuninnOptions.PREFILL_CHUNK)
                    .orElse(Math.min(MuninnOptions.PREFILL_CHUNK.defaultValue(), maxRows));
            if (chunk < 1 || chunk > maxRows) {
                throw new InvalidSettingException(MuninnOptions.PREFILL_CHUNK, chunk, " ", String.format(
                        "must be in [1, %s] (%s) but was %s", maxRows, MuninnOptions.MAX_ROWS_PER_STEP.key(), chunk), null);
            }
            var settings = new GenerationSettings(model, strategy.name(), kvBudget, kvBlockTokens, maxSteps,
                    options.get(MuninnOptions.MAX_ACTIVE_SEQUENCES), options.get(MuninnOptions.MAX_WAITING_SEQUENCES),
                    maxRows, chunk, options.get(MuninnOptions.MAX_NEW_TOKENS), options.get(MuninnOptions.ADMISSION),
                    options.get(MuninnOptions.EXIT_IN_PREFILL), tpotTarget == null ? 0 : tpotTarget.toNanos(),
                    options.get(MuninnOptions.LATENCY_WINDOW).toNanos(),
                    options.get(MuninnOptions.LATENCY_DWELL).toNanos(), options.get(MuninnOptions.LATENCY_MAX_STAGE));
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
