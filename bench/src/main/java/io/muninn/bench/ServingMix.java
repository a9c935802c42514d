package io.muninn.bench;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.sampling.GreedySampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The serving benchmark's requests, the same in every mode and at every rate: request i has seed 1000 + i, greedy
 * decoding and the given exit policy; its {@code max_new_tokens} is drawn uniformly from [minNew, maxNew]. With a
 * model's own prompts (a trained model's eval prompts), request i takes prompt i (cycling) and stops at the model's
 * end-of-text tokens; without, its prompt is {@code length} random ids below min(vocab, 250) with the length drawn
 * uniformly from [minPrompt, maxPrompt], and it never stops early (a random model has no end of text). Every draw
 * comes from one {@link SplittableRandom} seeded with {@code seed}.
 */
final class ServingMix {
    private ServingMix() {}

    /** An inclusive range of integers, written {@code min:max} on the command line. */
    record Range(int min, int max) {
        Range {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("range must have 1 <= min <= max but was " + min + ":" + max);
            }
        }

        static Range parse(String option, String text) {
            String[] parts = text.split(":");
            try {
                if (parts.length == 2) {
                    return new Range(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (NumberFormatException e) {
                // reported below with the option's name
            }
            throw new IllegalArgumentException(option + " takes min:max (integers) but got '" + text + "'");
        }

        int draw(SplittableRandom random) {
            return min + random.nextInt(max - min + 1);
        }
    }

    static List<BenchRequest> requests(ModelConfig config, List<int[]> prompts, int n, Range promptLength, Range newTokens,
            ExitPolicy exit, double initScale, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("requests must be >= 1 but was " + n);
        }
        if (prompts != null && prompts.isEmpty()) {
            throw new IllegalArgumentException("the model's prompt list is empty");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int vocab = Math.min(config.vocabSize(), 250);
        Set<Integer> stops = prompts == null ? Set.of() : Set.copyOf(config.eosTokenIds());
        List<BenchRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt;
            if (prompts != null) {
                prompt = prompts.get(i % prompts.size());
            } else {
                prompt = new int[promptLength.draw(random)];
                for (int j = 0; j < prompt.length; j++) {
                    prompt[j] = random.nextInt(vocab);
                }
            }
            int maxNew = newTokens.draw(random);
            out.add(new BenchRequest("r" + i, prompt,
                    new GenerationParams(maxNew, exit, new GreedySampler(), 1000 + i, initScale, false, stops)));
        }
        return out;
    }
}
