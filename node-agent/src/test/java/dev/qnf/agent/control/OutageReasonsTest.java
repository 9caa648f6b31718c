package dev.qnf.agent.control;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutageReasonsTest {
    @Test
    void eachOutageReportsItsFirstReasonAndEveryChangeButNoRepeats() {
        OutageReasons reasons = new OutageReasons();
        assertThat(reasons.isNew("UNAVAILABLE cannot reach https://a:7443: Connection refused")).isTrue();
        assertThat(reasons.isNew("UNAVAILABLE cannot reach https://a:7443: Connection refused")).isFalse();
        assertThat(reasons.isNew("UNAVAILABLE cannot reach https://a:7443: PKIX path building failed")).isTrue();
        assertThat(reasons.isNew("UNAVAILABLE cannot reach https://a:7443: Connection refused")).isTrue();

        reasons.recovered();
        assertThat(reasons.isNew("UNAVAILABLE cannot reach https://a:7443: Connection refused"))
                .as("a new outage says why again").isTrue();
    }
}
