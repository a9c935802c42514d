package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The soak's accounting and its verdict, without Kafka or Flink. */
class SoakLedgerTest {

    private static SoakLedger produced(int n) {
        SoakLedger ledger = new SoakLedger("soak-");
        for (int i = 0; i < n; i++) {
            assertThat(ledger.produce()).isEqualTo(i);
        }
        return ledger;
    }

    private static void complete(SoakLedger ledger, int n, int tokens) {
        for (int i = 0; i < tokens; i++) {
            ledger.token(ledger.id(n), i);
        }
        ledger.completion(ledger.id(n), tokens);
    }

    private static SoakVerdict verdict(SoakLedger ledger) {
        return new SoakVerdict(ledger.tally(), 16, 16, 32, 33, 1.0, 64.0);
    }

    @Test
    void everyRequestOnceIsCleanAndGrowsTheArraysPastTheirFirstSize() {
        SoakLedger ledger = produced(3000);
        for (int n = 0; n < 3000; n++) {
            complete(ledger, n, 1 + n % 8);
        }
        assertThat(ledger.settled()).isEqualTo(3000);
        assertThat(ledger.tally()).isEqualTo(new SoakLedger.Tally(3000, 3000, 0, 0, 0, 0, 0, 0));
        SoakVerdict v = verdict(ledger);
        assertThat(v.violations()).isEmpty();
        assertThat(v.exitCode()).isZero();
        assertThat(v.lastLine()).isEqualTo("soak: 3000 requests, 0 lost, 0 duplicated, heap growth 1.0 MB");
    }

    @Test
    void aMissingCompletionIsLostAndARepeatedOneDuplicated() {
        SoakLedger ledger = produced(5);
        complete(ledger, 0, 2);
        complete(ledger, 1, 2);
        ledger.completion(ledger.id(1), 2); // the same completion again, e.g. from an aborted-then-committed transaction
        ledger.completion(ledger.id(1), 2);
        complete(ledger, 3, 1);
        complete(ledger, 4, 1);
        assertThat(ledger.settled()).isEqualTo(4);
        SoakLedger.Tally t = ledger.tally();
        assertThat(t.lost()).isEqualTo(1);
        assertThat(t.duplicated()).isEqualTo(2);
        SoakVerdict v = verdict(ledger);
        assertThat(v.exitCode()).isEqualTo(1);
        assertThat(v.violations()).containsExactly("1 of 5 requests never completed (0 of them rejected)",
                "2 completions were duplicates");
        assertThat(v.lastLine()).isEqualTo("soak: 5 requests, 1 lost, 2 duplicated, heap growth 1.0 MB");
    }

    @Test
    void aRejectedRequestSettlesTheBacklogButCountsAsLost() {
        SoakLedger ledger = produced(2);
        complete(ledger, 0, 1);
        ledger.rejection(ledger.id(1));
        assertThat(ledger.settled()).isEqualTo(2);
        assertThat(ledger.tally().lost()).isEqualTo(1);
        assertThat(ledger.tally().rejected()).isEqualTo(1);
        assertThat(verdict(ledger).violations()).containsExactly("1 of 2 requests never completed (1 of them rejected)");
    }

    /** Output that does not match what was produced: the requests produced, the output, the tally, the violation. */
    static Stream<Arguments> mismatchedOutput() {
        Consumer<SoakLedger> neverProduced = ledger -> {
            complete(ledger, 0, 1);
            ledger.completion("soak-1", 1); // not produced (yet)
            ledger.completion("other-0", 1);
            ledger.token("soak-x", 0);
            ledger.rejection(null);
        };
        Consumer<SoakLedger> tokenEvents = ledger -> {
            complete(ledger, 0, 3);
            ledger.token(ledger.id(0), 1); // a duplicate token event
            ledger.token(ledger.id(1), 0);
            ledger.completion(ledger.id(1), 3); // two of its three tokens never arrived
        };
        return Stream.of(
                Arguments.of("output for requests never produced is counted, not matched", 1, neverProduced,
                        new SoakLedger.Tally(1, 1, 0, 0, 0, 4, 0, 0),
                        "4 output records name a request this run never produced"),
                Arguments.of("token events are checked against their completion", 2, tokenEvents,
                        new SoakLedger.Tally(2, 2, 0, 0, 0, 0, 1, 2),
                        "token events: 1 duplicated, 2 missing against their completions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatchedOutput")
    void mismatchedOutputIsCountedAndFlagged(String name, int requests, Consumer<SoakLedger> output,
            SoakLedger.Tally tally, String violation) {
        SoakLedger ledger = produced(requests);
        output.accept(ledger);

        assertThat(ledger.tally()).isEqualTo(tally);
        assertThat(verdict(ledger).violations()).containsExactly(violation);
    }

    @Test
    void boundsAreTheActiveLimitTheWaitingLimitPlusOneAndTheHeapGrowth() {
        SoakLedger ledger = produced(1);
        complete(ledger, 0, 1);
        SoakLedger.Tally t = ledger.tally();
        assertThat(new SoakVerdict(t, 16, 16, 32, 33, 64.0, 64.0).violations()).isEmpty();
        assertThat(new SoakVerdict(t, 16, 17, 32, 33, 0, 64).violations())
                .containsExactly("active sequences reached 17, above max-active-sequences 16");
        assertThat(new SoakVerdict(t, 16, 3, 32, 34, 0, 64).violations())
                .containsExactly("waiting sequences reached 34, above max-waiting-sequences 32 + 1");
        assertThat(new SoakVerdict(t, 16, 3, 32, 0, 64.5, 64).violations())
                .containsExactly("heap after GC grew by 64.5 MB after warm-up, above the allowed 64.0 MB");
        assertThat(new SoakVerdict(t, 16, -1, 32, -1, 0, 64).exitCode()).isEqualTo(1);
    }
}
