package io.muninn.schemas.validate;

import io.muninn.schemas.Cancellation;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptMessage;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.Sampling;
import io.muninn.schemas.codec.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a decoded {@link PromptRequest}'s values against the {@link RequestLimits}, so that everything the engine
 * would refuse is refused at the edge with a reason naming the field (dotted path), the value and the limit. Checks
 * run in schema order and the first failure is returned.
 *
 * <p>A cancel ({@code cancel: true}) is checked for its {@code request_id} only: its other fields are not used.
 *
 * <p>Not checked here: the length of a text or chat prompt, which needs the tokenizer (the operator calls
 * {@link #validateLength} after tokenizing), whether the threshold suits the chosen criterion beyond being finite and
 * positive ({@code argmax-stability} wants an integer; the engine's parser says so), duplicate request ids (the
 * operator's state knows them), a deadline in the past, which is not an error: the request completes with
 * finish reason {@code DEADLINE}, and whether {@code generation.total_steps_budget} leaves every token its floor
 * ({@code max(1, min_steps) x max_new_tokens}): that rule has one home, the model's {@code StepBudget} (this module
 * cannot depend on the model), and the operator's {@code RequestResolver} turns its refusal into a rejection naming
 * the field, the value and the limit.
 *
 * <pre>{@code
 * RequestValidator validator = new RequestValidator(
 *         new RequestLimits(config.blockSize(), config.vocabSize(), 4096, engine.maxSteps(), ExitCriterion.NAMES));
 * Optional<Rejection> problem = validator.validate(request);
 * }</pre>
 */
public final class RequestValidator {
    private final RequestLimits limits;

    public RequestValidator(RequestLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
    }

    public RequestLimits limits() {
        return limits;
    }

    /** The first problem with {@code request}, attributed to its request id, or empty when it may run. */
    public Optional<Rejection> validate(PromptRequest request) {
        Rejection problem = firstProblem(request);
        return problem == null ? Optional.empty() : Optional.of(problem.withRequestId(request.getRequestId()));
    }

    /**
     * Checks a tokenized prompt against the model's block size: {@code promptTokens + maxNewTokens <= block_size}.
     * A prompt that leaves no room for even one new token is the {@code input}'s fault; otherwise
     * {@code generation.max_new_tokens} is, and the reason says how far to lower it.
     */
    public Optional<Rejection> validateLength(int promptTokens, int maxNewTokens) {
        int block = limits.blockSize();
        if (promptTokens < 1) {
            return reject("input", "input must be at least 1 token long but the prompt was %s tokens", promptTokens);
        }
        if (promptTokens >= block) {
            return reject("input", "input must be shorter than the model's block size %s (prompt tokens + "
                    + "max_new_tokens <= %s) but the prompt was %s tokens long", block, block, promptTokens);
        }
        if ((long) promptTokens + maxNewTokens > block) {
            return reject("generation.max_new_tokens", "prompt tokens + generation.max_new_tokens must be <= the "
                    + "model's block size %s but was %s + %s = %s; lower generation.max_new_tokens to at most %s",
                    block, promptTokens, maxNewTokens, (long) promptTokens + maxNewTokens, block - promptTokens);
        }
        return Optional.empty();
    }

    private Rejection firstProblem(PromptRequest request) {
        String id = request.getRequestId();
        if (id == null || id.isBlank()) {
            return problem("request_id", "request_id must be a non-blank string but was %s", quoted(id));
        }
        if (Cancellation.isCancel(request)) {
            return null; // a cancel needs only its request_id; its other fields are not used
        }
        Rejection problem = input(request.getInput());
        if (problem == null) {
            problem = generation(request.getGeneration());
        }
        if (problem == null && request.getInput().getTokenIds() != null) {
            problem = validateLength(request.getInput().getTokenIds().size(),
                    request.getGeneration().getMaxNewTokens()).orElse(null);
        }
        return problem;
    }

    private Rejection input(PromptInput input) {
        if (input == null) {
            return problem("input", "input must be set, with exactly one of prompt, messages or token_ids");
        }
        List<String> set = new ArrayList<>();
        if (input.getPrompt() != null) {
            set.add("prompt");
        }
        if (input.getMessages() != null) {
            set.add("messages");
        }
        if (input.getTokenIds() != null) {
            set.add("token_ids");
        }
        if (set.size() != 1) {
            return problem("input", "input must set exactly one of prompt, messages or token_ids but set %s",
                    set.isEmpty() ? "none" : String.join(" and ", set));
        }
        if (input.getPrompt() != null) {
            return input.getPrompt().isEmpty() ? problem("input.prompt", "input.prompt must not be empty") : null;
        }
        if (input.getMessages() != null) {
            return messages(input.getMessages());
        }
        return tokenIds("input.token_ids", input.getTokenIds(), true);
    }

    private Rejection messages(List<PromptMessage> messages) {
        if (messages.isEmpty()) {
            return problem("input.messages", "input.messages must hold at least one message but was empty");
        }
        for (int i = 0; i < messages.size(); i++) {
            String path = "input.messages[" + i + "]";
            PromptMessage message = messages.get(i);
            if (message == null) {
                return problem(path, "%s must be a message but was null", path);
            }
            if (message.getRole() == null || message.getRole().isBlank()) {
                return problem(path + ".role", "%s.role must be a non-blank string such as system, user or "
                        + "assistant but was %s", path, quoted(message.getRole()));
            }
            if (message.getContent() == null) {
                return problem(path + ".content", "%s.content must be a string (\"\" for an empty message) but was "
                        + "null", path);
            }
        }
        return null;
    }

    private Rejection tokenIds(String path, List<Integer> ids, boolean needed) {
        if (ids == null) {
            return problem(path, "%s must be an array of token ids but was null", path);
        }
        if (needed && ids.isEmpty()) {
            return problem(path, "%s must hold at least one token id but was empty", path);
        }
        for (int i = 0; i < ids.size(); i++) {
            Integer id = ids.get(i);
            if (id == null || id < 0 || id >= limits.vocabSize()) {
                return problem(path + "[" + i + "]", "%s[%s] must be in [0, %s) (the model's vocabulary) but was %s",
                        path, i, limits.vocabSize(), id);
            }
        }
        return null;
    }

    private Rejection generation(Generation g) {
        if (g == null) {
            return problem("generation", "generation must be set ({} for the defaults)");
        }
        if (g.getMaxNewTokens() < 1 || g.getMaxNewTokens() > limits.maxNewTokens()) {
            return problem("generation.max_new_tokens", "generation.max_new_tokens must be in [1, %s] but was %s",
                    limits.maxNewTokens(), g.getMaxNewTokens());
        }
        if (g.getCriterion() == null || !limits.criterionNames().contains(g.getCriterion())) {
            return problem("generation.criterion", "generation.criterion must be one of %s but was %s",
                    limits.criterionNames(), quoted(g.getCriterion()));
        }
        Double threshold = g.getThreshold();
        if (threshold != null && !(threshold > 0 && Double.isFinite(threshold))) {
            return problem("generation.threshold", "generation.threshold must be a finite number > 0 (or null for "
                    + "the criterion's default) but was %s", threshold);
        }
        Integer maxSteps = g.getMaxSteps();
        if (maxSteps != null && (maxSteps < 1 || maxSteps > limits.maxSteps())) {
            return problem("generation.max_steps", "generation.max_steps must be in [1, %s] (the engine's maximum) "
                    + "but was %s", limits.maxSteps(), maxSteps);
        }
        int steps = maxSteps != null ? maxSteps : limits.maxSteps();
        if (g.getMinSteps() < 0 || g.getMinSteps() > steps) {
            return problem("generation.min_steps", "generation.min_steps must be in [0, %s] (max_steps) but was %s",
                    steps, g.getMinSteps());
        }
        if (g.getCheckEvery() < 1 || g.getCheckEvery() > steps) {
            return problem("generation.check_every", "generation.check_every must be in [1, %s] (max_steps) but was "
                    + "%s", steps, g.getCheckEvery());
        }
        Rejection problem = sampling(g.getSampling());
        if (problem != null) {
            return problem;
        }
        if (!(g.getInitScale() >= 0 && Double.isFinite(g.getInitScale()))) {
            return problem("generation.init_scale", "generation.init_scale must be a finite number >= 0 but was %s",
                    g.getInitScale());
        }
        return tokenIds("generation.stop_token_ids", g.getStopTokenIds(), false);
    }

    private Rejection sampling(Sampling s) {
        String path = "generation.sampling";
        if (s == null) {
            return problem(path, "%s must be set ({} for greedy decoding)", path);
        }
        double temperature = s.getTemperature();
        if (s.getGreedy() && !(temperature >= 0 && Double.isFinite(temperature))) {
            return problem(path + ".temperature", "%s.temperature must be a finite number >= 0 but was %s", path,
                    temperature);
        }
        if (!s.getGreedy() && !(temperature > 0 && Double.isFinite(temperature))) {
            return problem(path + ".temperature", "%s.temperature must be a finite number > 0 when sampling (greedy "
                    + "false) but was %s; set greedy true for temperature 0", path, temperature);
        }
        if (s.getTopK() < 0) {
            return problem(path + ".top_k", "%s.top_k must be >= 0 (0 turns it off) but was %s", path, s.getTopK());
        }
        if (!(s.getTopP() > 0 && s.getTopP() <= 1)) {
            return problem(path + ".top_p", "%s.top_p must be in (0, 1] (1 turns it off) but was %s", path,
                    s.getTopP());
        }
        if (!(s.getMinP() >= 0 && s.getMinP() < 1)) {
            return problem(path + ".min_p", "%s.min_p must be in [0, 1) (0 turns it off) but was %s", path,
                    s.getMinP());
        }
        return null;
    }

    /** A user's string in a reason, cut short: a request id may be as long as the payload allows. */
    private static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        int max = 80;
        return value.length() <= max ? "'" + value + "'"
                : "'" + value.substring(0, max) + "...' (" + value.length() + " characters)";
    }

    private static Rejection problem(String field, String template, Object... args) {
        return Rejection.of(field, template, args);
    }

    private static Optional<Rejection> reject(String field, String template, Object... args) {
        return Optional.of(Rejection.of(field, template, args));
    }
}
