package io.muninn.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.generate.GenerationResult;
import io.muninn.model.generate.SingleSequenceGenerator;
import io.muninn.model.golden.GoldenScenario;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batched evaluator generates, for every example, exactly what one sequence generated alone does (golden tiny
 * model, random weights), and judges it by exact match.
 */
class EvaluatorTest {
    private static final ModelWeights WEIGHTS = WeightsLoader.load(GoldenScenario.modelDir("tiny-random"));
    private static final int[][] PROMPTS = {{90, 12, 45, 7, 33}, {90, 3}, {90, 60, 61, 62, 63, 64, 65, 66}, {90, 5, 5}, {90, 40, 2, 9}};

    private static GenerationResult alone(int[] prompt, int maxNew, ExitPolicy policy) {
        long budget = RecurrentDepthEngine.kvBytesFor(WEIGHTS.config(), "latest-m4", policy.maxSteps(), 16, prompt.length + maxNew);
        var engine = new RecurrentDepthEngine(WEIGHTS, new Nd4jKernels(),
                new EngineOptions("latest-m4", policy.maxSteps(), budget, 16));
        var params = new GenerationParams(maxNew, policy, new GreedySampler(), 0, 1.0, false,
                new HashSet<>(WEIGHTS.config().eosTokenIds()));
        return new SingleSequenceGenerator(engine, 256).generate(prompt, params);
    }

    @Test
    void batchedResultsEqualEachSequenceAloneAndAreJudgedByExactMatch() {
        for (ExitPolicy policy : List.of(ExitPolicy.fixedSteps(3),
                new ExitPolicy(ExitCriterion.of("kl", 5e-4), 0, 12, 1, false))) {
            List<EvalExample> examples = new ArrayList<>();
            List<GenerationResult> expected = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                GenerationResult r = alone(PROMPTS[i], 4, policy);
                expected.add(r);
                // even examples expect what the model says (padded to four ids), odd ones something else
                int[] answer = r.tokens().length == 4 ? r.tokens() : new int[] {r.tokens()[0], 1, 1, 1};
                if (i % 2 == 1) {
                    answer = answer.clone();
                    answer[0] = (answer[0] + 1) % 90;
                }
                examples.add(new EvalExample(i + 1, "", PROMPTS[i], "", answer, 1 + i % 2));
            }
            List<ExampleResult> results = new Evaluator(WEIGHTS, new Nd4jKernels(),
                    new Evaluator.Options("latest-m4", 1.0, 0, 2)).run(examples, policy);
            for (int i = 0; i < PROMPTS.length; i++) {
                ExampleResult r = results.get(i);
                assertThat(r.example()).isSameAs(examples.get(i));
                assertThat(r.tokens()).as("tokens of example %s under %s", i, policy).containsExactly(expected.get(i).tokens());
                assertThat(r.exitSteps()).as("exit steps of example %s under %s", i, policy).containsExactly(expected.get(i).exitSteps());
                assertThat(r.correct()).as("example %s", i).isEqualTo(i % 2 == 0 && expected.get(i).tokens().length == 4);
            }
        }
    }
}
