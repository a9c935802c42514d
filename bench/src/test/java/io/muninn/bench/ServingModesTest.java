package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.weights.RandomWeights;
import io.muninn.model.weights.WeightsLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The token-level and static drivers on tiny settings, against step-level continuous batching: every request
 * completes and, decoding greedily, gets exactly the step-level tokens; arrivals are real Poisson offsets a few
 * milliseconds apart, so requests join while others run.
 */
class ServingModesTest {
    private static final int BATCH = 3;

    @Test
    void randomModelEveryModeCompletesEveryRequestWithTheStepLevelTokens() {
        ModelConfig c = RandomWeights.config(64, 256, 128, 32);
        var weights = RandomWeights.createWithSpread(c, 20261123L, 1.0 / 8, 0.22, 1.0);
        List<BenchRequest> requests = ServingMix.requests(c, null, 7, new ServingMix.Range(3, 9), new ServingMix.Range(1, 5),
                new ExitPolicy(ExitCriterion.of("kl", 5e-4), 0, 32, 1, true), 1.0, 42);
        assertThat(requests.stream().mapToInt(r -> r.prompt().length).distinct().count()).isGreaterThan(1);
        assertThat(requests.stream().mapToInt(r -> r.params().maxNewTokens()).distinct().count()).isGreaterThan(1);
        checkModes(weights, requests, true);
    }

    @Test
    void tinyModelEveryModeStopsAtEndOfTextWithTheStepLevelTokens() {
        Path model = Path.of("../models/huginn-tiny-chains");
        var weights = WeightsLoader.load(model);
        List<BenchRequest> requests = ServingMix.requests(weights.config(), BatchingBenchmark.evalPrompts(model), 5,
                new ServingMix.Range(1, 1), new ServingMix.Range(3, 8),
                new ExitPolicy(ExitCriterion.of("kl", 5e-4), 0, 32, 1, true), 0.0, 42);
        List<int[]> stepTokens = checkModes(weights, requests, false);
        // the model answers in three characters and end of text: a request stops there unless max_new_tokens comes first
        for (int i = 0; i < requests.size(); i++) {
            int maxNew = requests.get(i).params().maxNewTokens();
            int[] t = stepTokens.get(i);
            assertThat(t.length).isLessThanOrEqualTo(maxNew);
            if (t.length < maxNew) {
                assertThat(weights.config().eosTokenIds()).contains(t[t.length - 1]);
            }
        }
    }

    /** Runs the three modes (token-level and static both ways) on the requests; returns the step-level tokens. */
    private static List<int[]> checkModes(io.muninn.model.weights.ModelWeights weights, List<BenchRequest> requests,
            boolean alsoIdleMembers) {
        int longest = requests.stream().mapToInt(r -> r.prompt().length + r.params().maxNewTokens()).max().orElseThrow();
        RecurrentDepthEngine engine = BatchingBenchmark.engine(weights, 32, longest, 2 * BATCH + 1);
        long[] arrivals = PoissonArrivals.offsetsNanos(requests.size(), 400.0, 5);
        ServingRun step = new ServingRun(requests, arrivals);
        ServingMode.Work stepWork = new StepLevelMode(engine, BATCH).serve(step);
        // a prefill entry counts each of its positions: more rows than entries where a prompt is longer than one
        if (requests.stream().anyMatch(r -> r.prompt().length > 1)) {
            assertThat(stepWork.rowSteps()).isGreaterThan(stepWork.entrySteps());
        } else {
            assertThat(stepWork.rowSteps()).isEqualTo(stepWork.entrySteps());
        }
        List<int[]> expected = step.tokens();
        assertCompleted(step, requests);
        for (boolean keep : alsoIdleMembers ? new boolean[] {true, false} : new boolean[] {true}) {
            ServingRun token = new ServingRun(requests, arrivals);
            ServingMode.Work tokenWork = new TokenLevelMode(engine, BATCH, keep).serve(token);
            assertCompleted(token, requests);
            if (keep) {
                // every member computes a row in every step of its rounds, at least its own exit steps
                assertThat(tokenWork.entrySteps()).isGreaterThanOrEqualTo(stepWork.entrySteps());
                // and in rows: a shadow stands in its member's whole prompt in the prefill round
                assertThat(tokenWork.rowSteps()).isGreaterThanOrEqualTo(stepWork.rowSteps());
            }
            assertThat(token.tokens()).as("token-level, members keep computing: " + keep).containsExactlyElementsOf(expected);
            ServingRun stat = ServingBenchmark.serve(new StaticMode(engine, BATCH, 2_000_000L, keep), requests, arrivals);
            assertCompleted(stat, requests);
            assertThat(stat.tokens()).as("static, members keep computing: " + keep).containsExactlyElementsOf(expected);
        }
        assertThat(engine.pool().bytesInUse()).as("every mode released its sequences").isZero();
        return expected;
    }

    private static void assertCompleted(ServingRun run, List<BenchRequest> requests) {
        assertThat(run.allFinished()).isTrue();
        List<RequestTiming> timings = run.timings();
        for (int i = 0; i < requests.size(); i++) {
            int[] tokens = run.tokens().get(i);
            assertThat(tokens.length).isBetween(1, requests.get(i).params().maxNewTokens());
            if (requests.get(i).params().stopTokens().isEmpty()) {
                assertThat(tokens.length).isEqualTo(requests.get(i).params().maxNewTokens());
            }
            assertThat(timings.get(i).tokens()).isEqualTo(tokens.length);
            assertThat(timings.get(i).ttftMs()).isNotNegative();
        }
    }
}
