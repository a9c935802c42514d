package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kv.KvStrategy;
import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.TokenEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;

/**
 * One configuration path: every option from Flink configuration, setters over it, defaults defined once (in model/
 * where the engine owns them), the KV strategy checked against the model's own layout, and the exit-in-prefill
 * default reaching the running operator.
 */
class GenerationConfigurationTest {

    @Test
    void defaultsAreTheEngineAndSchedulerDefaults() {
        GenerationSettings s = TestRequests.tinyRandom().build().settings();

        assertThat(s.kvStrategy()).isEqualTo(KvStrategy.DEFAULT);
        assertThat(s.kvBudgetBytes()).isEqualTo(EngineOptions.DEFAULT_KV_BUDGET);
        assertThat(s.kvBlockTokens()).isEqualTo(EngineOptions.DEFAULT_BLOCK_TOKENS);
        assertThat(s.maxActiveSequences()).isEqualTo(SchedulerOptions.DEFAULT_MAX_ACTIVE_SEQUENCES);
        assertThat(s.maxRowsPerStep()).isEqualTo(SchedulerOptions.DEFAULT_MAX_ROWS_PER_STEP);
        assertThat(s.prefillChunk()).isEqualTo(SchedulerOptions.DEFAULT_PREFILL_CHUNK);
        assertThat(s.admission()).isEqualTo(SchedulerOptions.DEFAULT_ADMISSION);
        assertThat(s.exitInPrefill()).isEqualTo(ExitPolicy.DEFAULT_EXIT_IN_PREFILL).isTrue();
    }

    @Test
    void nullUnsetsAnOptionWithoutDefaultAndIsRefusedForTheOthers() {
        GenerationSettings s = TestRequests.tinyRandom().setTpotTarget(java.time.Duration.ofMillis(20))
                .setTpotTarget(null).build().settings();
        assertThat(s.tpotTargetNanos()).as("null: no latency target").isZero();

        assertThatThrownBy(() -> TestRequests.tinyRandom().setAdmission(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("muninn.admission must not be null");
        assertThatThrownBy(() -> TestRequests.tinyRandom().setModel((String) null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a model directory is required");
    }

    @Test
    void everyOptionComesFromFlinkConfigurationAndSettersOverrideIt() {
        Configuration conf = Configuration.fromMap(Map.ofEntries(
                Map.entry("muninn.model", TestRequests.TINY_TRAINED.toString()),
                Map.entry("muninn.kv.strategy", "full"),
                Map.entry("muninn.kv.budget", "3mb"),
                Map.entry("muninn.kv.block-tokens", "8"),
                Map.entry("muninn.max-steps", "12"),
                Map.entry("muninn.max-active-sequences", "5"),
                Map.entry("muninn.max-waiting-sequences", "9"),
                Map.entry("muninn.max-rows-per-step", "40"),
                Map.entry("muninn.prefill-chunk", "20"),
                Map.entry("muninn.max-new-tokens", "30"),
                Map.entry("muninn.admission", "PREEMPT_RECOMPUTE"),
                Map.entry("muninn.exit-in-prefill", "false"),
                Map.entry("muninn.latency.tpot-target", "25 ms"),
                Map.entry("muninn.latency.window", "1 s"),
                Map.entry("muninn.latency.dwell", "0 ms"),
                Map.entry("muninn.latency.max-stage", "3")));

        GenerationSettings fromConfig = RecurrentDepthGeneration.builder().configure(conf).build().settings();

        assertThat(fromConfig).isEqualTo(new GenerationSettings(TestRequests.TINY_TRAINED.toString(), "full",
                3L << 20, 8, 12, 5, 9, 40, 20, 30, AdmissionPolicy.PREEMPT_RECOMPUTE, false, 25_000_000L,
                1_000_000_000L, 0L, 3));

        GenerationSettings overridden = RecurrentDepthGeneration.builder().configure(conf)
                .setMaxActiveSequences(2).setKvBudget(MemorySize.parse("1mb")).setExitInPrefill(true).build().settings();

        assertThat(overridden.maxActiveSequences()).isEqualTo(2);
        assertThat(overridden.kvBudgetBytes()).isEqualTo(1L << 20);
        assertThat(overridden.exitInPrefill()).isTrue();
        assertThat(overridden.maxWaitingSequences()).as("not overridden: the configuration's").isEqualTo(9);
    }

    @Test
    void theKvStrategyIsCheckedAgainstTheModelsCoreLayerCount() {
        // models/huginn-tiny-chains has a one-layer core block: -m1 names it, as does the reference's -m4
        assertThat(TestRequests.tinyTrained().setKvStrategy("latest-m1").build().settings().kvStrategy())
                .isEqualTo("latest-m1");
        assertThat(TestRequests.tinyTrained().setKvStrategy("latest-m4").build().settings().kvStrategy())
                .isEqualTo("latest-m4");

        assertThatThrownBy(() -> TestRequests.tinyTrained().setKvStrategy("latest-m3").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("muninn.kv.strategy: kv strategy 'latest-m3' is not valid (-m3 must name the "
                        + "core block length: -m1 for this model (1 core layers), or -m4 as the reference spells it)")
                .hasMessageContaining("accepted:");
        // the golden tiny-random model has four core layers: -m1 is refused there
        assertThatThrownBy(() -> TestRequests.tinyRandom().setKvStrategy("latest-m1").build())
                .hasMessageContaining("'latest-m1' is not valid (-m1 must name the core block length: -m4 for this model");
    }

    @Test
    void aRequestsExitInPrefillChoiceWinsOverTheOperatorDefault() {
        Generation unset = Generation.newBuilder().build();
        Generation v1True = Generation.newBuilder().setExitInPrefill(true).build();
        Generation explicitOff = Generation.newBuilder().setPrefillExit(false).build();
        Generation explicitOn = Generation.newBuilder().setPrefillExit(true).build();

        assertThat(GenerationSettings.exitInPrefill(unset, true)).isTrue();
        assertThat(GenerationSettings.exitInPrefill(unset, false)).isFalse();
        assertThat(GenerationSettings.exitInPrefill(v1True, false)).isTrue();
        assertThat(GenerationSettings.exitInPrefill(explicitOff, true)).isFalse();
        assertThat(GenerationSettings.exitInPrefill(explicitOn, false)).isTrue();
        assertThat(GenerationSettings.exitInPrefill(Generation.newBuilder().setExitInPrefill(true).setPrefillExit(false)
                .build(), true)).as("prefill_exit wins").isFalse();
    }

    /**
     * muninn.exit-in-prefill set in Flink configuration reaches the running operator: with it off, the prefill (which
     * produces the first token) runs max_steps; by default the kl criterion may end it earlier. The threshold is
     * loose so that it does on this random model.
     */
    @Test
    void theExitInPrefillOptionReachesTheOperator() throws Exception {
        Configuration off = new Configuration();
        off.set(MuninnOptions.EXIT_IN_PREFILL, false);

        List<Integer> withDefault = firstExitSteps(TestRequests.tinyRandom().build().settings());
        List<Integer> configuredOff = firstExitSteps(TestRequests.tinyRandom().configure(off).build().settings());

        assertThat(configuredOff).as("first tokens with muninn.exit-in-prefill=false").containsOnly(16);
        assertThat(withDefault).as("first tokens by default (exit in prefill)").anyMatch(step -> step < 16);
    }

    private static List<Integer> firstExitSteps(GenerationSettings settings) throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(settings)) {
            for (int i = 0; i < 6; i++) {
                h.send(PromptRequest.newBuilder()
                        .setRequestId("p" + i)
                        .setInput(PromptInput.newBuilder().setTokenIds(List.of(90, 10 + i, 20 + 3 * i, 7)).build())
                        .setGeneration(Generation.newBuilder().setMaxNewTokens(1).setMaxSteps(16).setThreshold(5e-2).build())
                        .build());
            }
            h.runUntilIdle();
            return h.tokens().stream().filter(t -> t.getIndex() == 0).map(TokenEvent::getExitStep).toList();
        }
    }
}
