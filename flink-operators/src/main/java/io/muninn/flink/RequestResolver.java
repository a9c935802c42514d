package io.muninn.flink;

import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.sampling.SamplingParams;
import io.muninn.model.scheduler.DepthLimits;
import io.muninn.model.scheduler.SequenceRequest;
import io.muninn.model.tokenizer.ChatMessage;
import io.muninn.model.tokenizer.ChatTemplate;
import io.muninn.model.tokenizer.MuninnTokenizer;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptMessage;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RequestSeeds;
import io.muninn.schemas.Sampling;
import io.muninn.schemas.codec.Rejection;
import io.muninn.schemas.codec.RejectionException;
import io.muninn.schemas.validate.RequestLimits;
import io.muninn.schemas.validate.RequestValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a wire request into what the scheduler runs, judging what only the model can judge: the prompt is
 * tokenized (text as is, chat messages through the model's chat template) and checked against the block size, and
 * the generation parameters are parsed into their types. Every refusal names the field. Public for the SQL model
 * provider ({@code sql/}), which builds a request per table row so that a row runs exactly as the same request would.
 */
public final class RequestResolver {
    private final LoadedModel model;
    private final RequestValidator validator;
    private final ChatTemplate chat;

    private final boolean defaultExitInPrefill;

    /** @param defaultExitInPrefill {@code muninn.exit-in-prefill}: for requests that do not say */
    public RequestResolver(LoadedModel model, int maxNewTokens, boolean defaultExitInPrefill) {
        this.model = model;
        this.defaultExitInPrefill = defaultExitInPrefill;
        var config = model.config;
        this.validator = new RequestValidator(new RequestLimits(config.blockSize(), config.vocabSize(),
                Math.min(maxNewTokens, config.blockSize()), model.maxSteps, ExitCriterion.NAMES));
        this.chat = model.tokenizer == null ? null : ChatTemplate.forTokenizer(model.tokenizer);
    }

    RequestLimits limits() {
        return validator.limits();
    }

    /** The prompt's token ids, or the reason it cannot run. */
    public int[] promptTokens(PromptRequest request) throws RejectionException {
        Optional<Rejection> problem = validator.validate(request);
        if (problem.isPresent()) {
            throw new RejectionException(problem.get());
        }
        int[] prompt = tokenize(request.getInput());
        problem = validator.validateLength(prompt.length, request.getGeneration().getMaxNewTokens());
        if (problem.isPresent()) {
            throw new RejectionException(problem.get().withRequestId(request.getRequestId()));
        }
        return prompt;
    }

    /** What the scheduler runs for {@code request}, whose prompt is {@code prompt}. */
    public SequenceRequest sequence(PromptRequest request, int[] prompt) throws RejectionException {
        Generation g = request.getGeneration();
        ExitCriterion criterion;
        try {
            criterion = g.getThreshold() == null
                    ? ExitCriterion.withDefaultThreshold(g.getCriterion())
                    : ExitCriterion.of(g.getCriterion(), g.getThreshold());
        } catch (IllegalArgumentException e) {
            throw new RejectionException("generation.threshold", "%s", e.getMessage());
        }
        int maxSteps = g.getMaxSteps() == null ? model.maxSteps : g.getMaxSteps();
        ExitPolicy policy = new ExitPolicy(criterion, g.getMinSteps(), maxSteps, g.getCheckEvery(), exitInPrefill(g));
        Sampling s = g.getSampling();
        SamplingParams sampling;
        try {
            sampling = s.getGreedy()
                    ? SamplingParams.greedyDecoding()
                    : new SamplingParams(false, s.getTemperature(), s.getTopK(), s.getTopP(), s.getMinP());
        } catch (IllegalArgumentException e) {
            throw new RejectionException("generation.sampling", "%s", e.getMessage());
        }
        Set<Integer> stops = g.getStopTokenIds().isEmpty()
                ? new HashSet<>(model.config.eosTokenIds())
                : new HashSet<>(g.getStopTokenIds());
        var params = new GenerationParams(g.getMaxNewTokens(), policy, sampling.toSampler(), RequestSeeds.seedOf(request),
                g.getInitScale(), g.getWarmStart(), stops);
        long deadline = request.getDeadlineMs() == null ? Long.MAX_VALUE : request.getDeadlineMs();
        DepthLimits depth;
        try {
            depth = new DepthLimits(g.getTotalStepsBudget() == null ? DepthLimits.NO_BUDGET : g.getTotalStepsBudget(),
                    g.getStrictDepth());
            return new SequenceRequest(request.getRequestId(), prompt, params, deadline, depth);
        } catch (IllegalArgumentException e) {
            // the budget's floor rule lives in the model (StepBudget, DepthLimits), not in the schemas' validator:
            // an infeasible budget is refused here, naming the field, the value and the limit
            throw new RejectionException("generation.total_steps_budget", "generation.%s", e.getMessage());
        }
    }

    /** See {@link GenerationSettings#exitInPrefill(Generation, boolean)}. */
    boolean exitInPrefill(Generation g) {
        return GenerationSettings.exitInPrefill(g, defaultExitInPrefill);
    }

    private int[] tokenize(PromptInput input) throws RejectionException {
        if (input.getTokenIds() != null) {
            return input.getTokenIds().stream().mapToInt(Integer::intValue).toArray();
        }
        MuninnTokenizer tokenizer = model.tokenizer;
        String field = input.getPrompt() != null ? "input.prompt" : "input.messages";
        if (tokenizer == null) {
            throw new RejectionException(field, "%s needs the model's tokenizer but the model at %s has no "
                    + "tokenizer.json; send input.token_ids instead", field, model.directory);
        }
        String text;
        if (input.getPrompt() != null) {
            String bos = tokenizer.addBosToken() ? tokenizer.bosToken().orElse("") : "";
            text = bos + input.getPrompt();
        } else {
            List<ChatMessage> messages = new ArrayList<>();
            try {
                for (PromptMessage m : input.getMessages()) {
                    messages.add(new ChatMessage(m.getRole(), m.getContent()));
                }
            } catch (IllegalArgumentException e) {
                throw new RejectionException("input.messages", "%s", e.getMessage());
            }
            text = chat.render(messages, true);
        }
        return tokenizer.encode(text);
    }
}
