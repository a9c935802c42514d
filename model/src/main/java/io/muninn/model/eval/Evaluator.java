package io.muninn.model.eval;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.backend.Backend;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.SequenceRequest;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import io.muninn.model.weights.ModelWeights;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Greedy generation of every example of an eval set under one exit policy, batched by the {@link StepScheduler}
 * (every example is one request; up to {@code maxActive} run at once, each token at its own recurrence step).
 *
 * <p>Semantics, as {@code tools/tiny-model/evaluate.py}: an example generates at most {@code len(answer_ids)} tokens
 * and stops at the first of the config's eos ids (included); it is correct when the generated ids equal
 * {@code answer_ids}. Every request has the same seed and init scale, so s0 of position p is the same row in every
 * example, as in the Python batches. (Python generates up to {@code max(len(answer_ids))} tokens over a batch of
 * prompts of equal length: accuracy is the same either way, since a longer output never matches; mean steps agree
 * when all answers have one length, as the chain task's do.)
 */
public final class Evaluator {
    private final ModelWeights weights;
    private final Backend backend;
    private final Options options;

    /**
     * @param kvStrategy KV lookup strategy, e.g. {@code latest-m4}
     * @param initScale  scale of the random initial state; 0 starts from zeros
     * @param seed       request seed of the counter RNG for s0
     * @param maxActive  sequences the scheduler runs at once
     */
    public record Options(String kvStrategy, double initScale, long seed, int maxActive) {
        public Options {
            if (maxActive < 1) {
                throw new IllegalArgumentException("max active sequences must be >= 1 but was " + maxActive);
            }
        }
    }

    public Evaluator(ModelWeights weights, Backend backend, Options options) {
        this.weights = weights;
        this.backend = backend;
        this.options = options;
    }

    /**
     * Generates every example under {@code policy}; results in the order of {@code examples}.
     *
     * @throws IllegalStateException when a sequence ends in error (e.g. a prompt beyond the model's block size)
     */
    public List<ExampleResult> run(List<EvalExample> examples, ExitPolicy policy) {
        var config = weights.config();
        int maxPrompt = 0;
        int maxNew = 0;
        for (EvalExample e : examples) {
            maxPrompt = Math.max(maxPrompt, e.promptIds().length);
            maxNew = Math.max(maxNew, e.answerIds().length);
        }
        int active = Math.min(options.maxActive(), examples.size());
        int blockTokens = EngineOptions.DEFAULT_BLOCK_TOKENS;
        long budget = RecurrentDepthEngine.kvBytesFor(config, options.kvStrategy(), policy.maxSteps(), blockTokens,
                maxPrompt + maxNew) * active;
        var engine = new RecurrentDepthEngine(weights, backend,
                new EngineOptions(options.kvStrategy(), policy.maxSteps(), budget, blockTokens));
        // a whole prompt per chunk and every admitted sequence's rows in one micro-batch
        int rows = Math.max(maxPrompt, active * maxPrompt);
        var schedulerOptions = new SchedulerOptions(rows, active, rows, AdmissionPolicy.RESERVE_WORST_CASE);
        Collector collector = new Collector(examples.size());
        var scheduler = new StepScheduler(engine, schedulerOptions, collector, null, System::currentTimeMillis);
        Set<Integer> stops = new HashSet<>(config.eosTokenIds());
        for (int i = 0; i < examples.size(); i++) {
            EvalExample e = examples.get(i);
            var params = new GenerationParams(e.answerIds().length, policy, new GreedySampler(), options.seed(),
                    options.initScale(), false, stops);
            scheduler.submit(SequenceRequest.of(Integer.toString(i), e.promptIds(), params));
        }
        while (scheduler.hasWork()) {
            scheduler.step();
        }
        List<ExampleResult> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            SequenceOutcome o = collector.outcomes[i];
            EvalExample e = examples.get(i);
            if (o == null || (o.reason() != FinishReason.STOP && o.reason() != FinishReason.LENGTH)) {
                throw new IllegalStateException(String.format("example on line %s did not finish: %s", e.line(),
                        o == null ? "no outcome" : o.reason() + " " + o.message()));
            }
            out.add(new ExampleResult(e, o.tokens(), o.exitSteps()));
        }
        return out;
    }

    private static final class Collector implements GenerationListener {
        final SequenceOutcome[] outcomes;

        Collector(int n) {
            outcomes = new SequenceOutcome[n];
        }

        @Override
        public void onToken(TokenOutput token) {}

        @Override
        public void onFinished(SequenceOutcome outcome) {
            outcomes[Integer.parseInt(outcome.requestId())] = outcome;
        }
    }
}
