package io.muninn.model.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedByKeyTest {

    @Test
    void theFirstAcquireCreatesLaterOnesShareAndTheLastReleaseHandsTheValueBack() {
        AtomicInteger made = new AtomicInteger();
        SharedByKey<String, StringBuilder> shared = new SharedByKey<>();
        var a = shared.acquire("m", k -> new StringBuilder(k + made.incrementAndGet()));
        var b = shared.acquire("m", k -> new StringBuilder(k + made.incrementAndGet()));
        var other = shared.acquire("n", k -> new StringBuilder(k + made.incrementAndGet()));

        assertThat(a.created()).isTrue();
        assertThat(b.created()).isFalse();
        assertThat(b.value()).isSameAs(a.value());
        assertThat(other.value()).isNotSameAs(a.value());
        assertThat(a.users()).isEqualTo(2);
        assertThat(shared.usage("m")).isEqualTo(new SharedByKey.Usage(2, 2, 1));

        assertThat(shared.release(a)).as("not the last user").isNull();
        assertThat(shared.release(a)).as("a second release gives nothing back").isNull();
        assertThat(b.users()).isEqualTo(1);
        assertThat(shared.release(b)).as("the last user").isSameAs(b.value());
        assertThat(shared.usage("m")).isEqualTo(new SharedByKey.Usage(0, 2, 1));

        var again = shared.acquire("m", k -> new StringBuilder(k + made.incrementAndGet()));
        assertThat(again.created()).isTrue();
        assertThat(again.value().toString()).isEqualTo("m3");
        assertThat(shared.usage("m")).as("the latest value's peak").isEqualTo(new SharedByKey.Usage(1, 1, 2));
        assertThat(shared.usage()).containsOnlyKeys("m", "n");
    }

    @Test
    void aDroppedValueIsGoneForNewUsersAndItsOtherHoldsReleaseNothing() {
        SharedByKey<String, Object> shared = new SharedByKey<>();
        var creator = shared.acquire("m", k -> new Object());
        var waiter = shared.acquire("m", k -> new Object());

        shared.drop(creator);
        assertThat(creator.released()).isTrue();
        assertThat(shared.usage("m").users()).isZero();
        assertThat(shared.release(waiter)).isNull();

        var next = shared.acquire("m", k -> new Object());
        assertThat(next.created()).isTrue();
        assertThat(next.value()).isNotSameAs(creator.value());
        assertThat(shared.release(next)).isSameAs(next.value());
    }
}
