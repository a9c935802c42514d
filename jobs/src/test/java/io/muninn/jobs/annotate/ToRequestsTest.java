package io.muninn.jobs.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.flink.RequestEnvelope;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

/** The annotate option --total-steps-budget reaches every request, and an infeasible one is refused up front. */
class ToRequestsTest {

    private static AnnotateJobConfig config(Long budget) {
        return new AnnotateJobConfig(List.of("in.jsonl"), new RecordFormat.JsonLines(), new PromptTemplate("Q: {q}"),
                false, "id", "out", 8, "kl", null, 1000, null, budget);
    }

    private static RequestEnvelope request(AnnotateJobConfig config) {
        List<RequestEnvelope> out = new ArrayList<>();
        new ToRequests(config).processElement(InputRecord.line("{\"id\": \"a\", \"q\": \"1+1\"}"), null,
                new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void theBudgetIsSetOnEveryRequest() {
        assertThat(request(config(40L)).request.getGeneration().getTotalStepsBudget()).isEqualTo(40L);
        assertThat(request(config(null)).request.getGeneration().getTotalStepsBudget()).isNull();
    }

    @Test
    void aBudgetBelowOneStepPerTokenIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> config(7L)).isInstanceOf(IllegalArgumentException.class).hasMessage(
                "--total-steps-budget must be >= 8 (--max-new-tokens-per-answer: one step per token at least) but was 7");
    }
}
