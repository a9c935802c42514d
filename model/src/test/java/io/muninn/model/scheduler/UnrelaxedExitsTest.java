package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.exit.DepthProfile;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.sampling.GreedySampler;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The window of unrelaxed exit steps: its quantiles, its bound, and that only unrelaxed, unbudgeted tokens feed it. */
class UnrelaxedExitsTest {
    @Test
    void anEmptyWindowHasNoProfile() {
        assertThat(new UnrelaxedExits(8).profile()).isSameAs(DepthProfile.NONE);
        assertThat(DepthProfile.NONE.isEmpty()).isTrue();
    }

    @Test
    void theProfileIsTheNearestRankP90AndP75() {
        UnrelaxedExits w = new UnrelaxedExits(100);
        for (int step = 1; step <= 20; step++) {
            w.add(step);
        }
        assertThat(w.profile()).isEqualTo(new DepthProfile(18, 15));
        UnrelaxedExits one = new UnrelaxedExits(100);
        one.add(3);
        assertThat(one.profile()).isEqualTo(new DepthProfile(3, 3));
    }

    @Test
    void theWindowForgetsItsOldestExitsOnceFull() {
        UnrelaxedExits w = new UnrelaxedExits(4);
        for (int i = 0; i < 4; i++) {
            w.add(30);
        }
        assertThat(w.profile()).isEqualTo(new DepthProfile(30, 30));
        for (int i = 0; i < 4; i++) {
            w.add(2);
        }
        assertThat(w.size()).isEqualTo(4);
        assertThat(w.profile()).isEqualTo(new DepthProfile(2, 2));
    }

    @Test
    void badInputIsRefusedWithTheValue() {
        assertThatThrownBy(() -> new UnrelaxedExits(0)).hasMessage(
                "unrelaxed exit window capacity must be at least 1 but was 0");
        assertThatThrownBy(() -> new UnrelaxedExits(4).add(0)).hasMessage("exit step must be at least 1 but was 0");
        assertThatThrownBy(() -> new DepthProfile(2, 3)).hasMessageContaining("low was 3 and high 2");
        assertThatThrownBy(() -> new DepthProfile(2, 0)).hasMessageContaining("low was 0 and high 2");
    }

    @Test
    void onlyTokensThatRanUnrelaxedAndWithoutABudgetFeedTheWindow() {
        AtomicLong nanos = new AtomicLong();
        var latency = new LatencyTargetController(new LatencyTarget(1, 1_000_000_000L, 0, 0.5, 4), nanos::get);
        DepthControl depth = new DepthControl(latency);
        RequestLifecycle open = lifecycle("open", DepthLimits.NONE);
        RequestLifecycle budgeted = lifecycle("budgeted", new DepthLimits(100, false));
        for (int stage = 1; stage <= 4; stage++) {
            depth.onToken(open, 1, stage);
        }
        depth.onToken(budgeted, 1, 0);
        assertThat(depth.profile()).as("relaxed and budgeted exits are not the model's own").isSameAs(DepthProfile.NONE);
        depth.onToken(open, 5, 0);
        assertThat(depth.profile()).isEqualTo(new DepthProfile(5, 5));

        DepthControl none = new DepthControl(null);
        none.onToken(open, 5, 0);
        assertThat(none.profile()).as("without a target nothing is measured").isSameAs(DepthProfile.NONE);
    }

    private static RequestLifecycle lifecycle(String id, DepthLimits limits) {
        var params = new GenerationParams(4, ExitPolicy.fixedSteps(8), new GreedySampler(), 1, 0.0, false, Set.of());
        return new RequestLifecycle(new SequenceRequest(id, new int[] {3, 4}, params, Long.MAX_VALUE, limits),
                new SequenceProgress(new int[0], new int[0], new double[0]));
    }
}
