package dev.qnf.consensus;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaConfigTest {
    private static final Path DIR = Path.of("/tmp/qnf-test");

    @Test
    void defaultsFillWhatIsNotGiven() {
        ReplicaConfig c = ReplicaConfig.builder("s1", DIR, "10.0.0.1:9870").build();
        assertThat(c.joinMode()).isTrue();
        assertThat(c.groupId()).isEqualTo(ReplicaConfig.DEFAULT_GROUP_ID);
        assertThat(c.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.snapshotThreshold()).isEqualTo(10_000);
        assertThat(c.eventRetention()).isEqualTo(10_000);
        assertThat(c.meters()).isNull();

        ReplicaConfig canonical = new ReplicaConfig("s1", DIR, "10.0.0.1:9870", null, null, null, null, 0, 0, null, null);
        assertThat(canonical).isEqualTo(c);
    }

    @Test
    void peersMustIncludeThisReplicaAndCarryPorts() {
        assertThatThrownBy(() -> ReplicaConfig.builder("s1", DIR, "h:1").peer("s2", "h2:2").build())
                .hasMessageContaining("must include this replica");
        assertThatThrownBy(() -> ReplicaConfig.builder("s1", DIR, "h:1").peer("s1", "h").build())
                .hasMessageContaining("explicit port");
        ReplicaConfig c = ReplicaConfig.builder("s1", DIR, "0.0.0.0:9870")
                .peers(Map.of("s1", "a.example:9870", "s2", "[fd00::2]:9870")).build();
        assertThat(c.joinMode()).isFalse();
    }

    @Test
    void electionTimeoutsBelowOneSecondOrInvertedAreRefused() {
        assertThatThrownBy(() -> ReplicaConfig.builder("s1", DIR, "h:1")
                .electionTimeout(Duration.ofMillis(300), Duration.ofMillis(600)).build())
                .hasMessageContaining("at least 1s");
        assertThatThrownBy(() -> ReplicaConfig.builder("s1", DIR, "h:1")
                .electionTimeout(Duration.ofSeconds(2), Duration.ofSeconds(2)).build())
                .hasMessageContaining("must exceed");
    }

    @Test
    void addressesAreParsed() {
        assertThat(HostPort.parse("[::1]:9870")).isEqualTo(new HostPort("::1", 9870));
        assertThat(HostPort.parse("node-1:80")).isEqualTo(new HostPort("node-1", 80));
        assertThatThrownBy(() -> HostPort.parse("node-1:0")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> HostPort.parse(":80")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplicaConfig.builder("s1", DIR, "h:1").groupId("not-a-uuid").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
