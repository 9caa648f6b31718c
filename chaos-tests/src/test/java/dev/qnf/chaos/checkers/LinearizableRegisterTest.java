package dev.qnf.chaos.checkers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinearizableRegisterTest {
    private final LinearizableRegister checker = new LinearizableRegister();

    @Test
    void sequentialHistoryIsLinearizable() {
        Histories h = new Histories();
        h.get("r", null, 0, 5);
        h.create("r", 1, 10, 20, true);
        h.get("r", 1, 30, 40);
        h.create("r", 1, 41, 45, false);
        h.createRefused("r", 2, 50, 55);
        h.delete("r", 60, 70);
        h.get("r", null, 80, 90);
        assertThat(checker.check(h.build()).holds()).isTrue();
    }

    @Test
    void aReadThatMissesAnAcknowledgedCreateIsNot() {
        Histories h = new Histories();
        h.create("r", 1, 10, 20, true);
        h.get("r", null, 30, 40);
        Verdict v = checker.check(h.build());
        assertThat(v.holds()).isFalse();
        assertThat(v.violations().get(0).excerpt()).hasSize(2);
    }

    @Test
    void concurrentReadMaySeeEitherState() {
        Histories h = new Histories();
        h.create("r", 1, 10, 50, true);
        h.get("r", null, 20, 30);
        h.get("r", 1, 25, 35);
        assertThat(checker.check(h.build()).holds()).isTrue();
    }

    @Test
    void readsMustNotGoBackInTime() {
        Histories h = new Histories();
        h.create("r", 1, 10, 100, true);
        h.get("r", 1, 20, 30);
        h.get("r", null, 40, 50);
        assertThat(checker.check(h.build()).holds()).isFalse();
    }

    @Test
    void anUnknownWriteMayTakeEffectLateOrNever() {
        Histories h = new Histories();
        h.createUnknown("r", 2, 0, 10);
        h.get("r", null, 20, 30);
        h.get("r", 2, 1000, 1010);
        assertThat(checker.check(h.build()).holds()).isTrue();

        Histories never = new Histories();
        never.createUnknown("r", 2, 0, 10);
        never.get("r", null, 20, 30);
        assertThat(checker.check(never.build()).holds()).isTrue();
    }

    @Test
    void twoCreationsWithoutADeleteAreNot() {
        Histories h = new Histories();
        h.create("r", 1, 0, 10, true);
        h.create("r", 1, 20, 30, true);
        assertThat(checker.check(h.build()).holds()).isFalse();
    }

    @Test
    void aRefusalNeedsAnotherVersionInPlace() {
        Histories h = new Histories();
        h.createRefused("r", 2, 0, 10);
        assertThat(checker.check(h.build()).holds()).isFalse();
    }

    @Test
    void keysAreCheckedIndependently() {
        Histories h = new Histories();
        h.create("a", 1, 0, 10, true);
        h.get("b", null, 20, 30);
        h.get("a", 1, 20, 30);
        assertThat(checker.check(h.build()).holds()).isTrue();
    }
}
