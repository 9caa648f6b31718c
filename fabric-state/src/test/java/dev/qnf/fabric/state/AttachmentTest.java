package dev.qnf.fabric.state;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.model.Attachment;
import dev.qnf.fabric.model.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttachmentTest {
    final Fixtures f = new Fixtures();

    @Test
    void allocationRecordsTheAttachmentAndDerivesTheMac() {
        f.network("blue", "10.1.0.0/24");
        Reply r = f.run(new Allocate("blue", "c1:eth0", "n1", null,
                new Attachment("c1", "eth0", null, Map.of("app", "web"))));
        Endpoint e = (Endpoint) ((Reply.Ok) r).resource();
        assertThat(e.containerId()).isEqualTo("c1");
        assertThat(e.ifName()).isEqualTo("eth0");
        assertThat(e.mac()).isEqualTo("0a:58:0a:01:00:02");
        assertThat(e.labels()).containsEntry("app", "web");
    }

    @Test
    void retryWithTheSameAttachmentChangesNothingAndAnotherContainerIsRefused() {
        f.network("blue", "10.1.0.0/24");
        Attachment a = new Attachment("c1", "eth0", "0a:58:00:00:00:01", Map.of());
        f.run(new Allocate("blue", "ep", "n1", null, a));
        Decision retry = FabricMachine.decide(f.image, new Allocate("blue", "ep", "n1", null, a));
        assertThat(retry.changes()).isEmpty();
        Reply other = f.run(new Allocate("blue", "ep", "n1", null, new Attachment("c2", "eth0", null, Map.of())));
        assertThat(Fixtures.code(other)).isEqualTo(ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void anAddressOnlyAllocationCanBeAttachedLater() {
        f.network("blue", "10.1.0.0/24");
        Endpoint plain = f.allocated("blue", "ep", "n1");
        Reply r = f.run(new Allocate("blue", "ep", "n1", null, new Attachment("c1", "eth1", null, Map.of())));
        Endpoint attached = (Endpoint) ((Reply.Ok) r).resource();
        assertThat(attached.ip()).isEqualTo(plain.ip());
        assertThat(attached.containerId()).isEqualTo("c1");
        assertThat(f.image.endpoint("blue", "ep")).contains(attached);
    }

    @Test
    void validatesItsFields() {
        assertThatThrownBy(() -> new Attachment("c1", "this-name-is-too-long", null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("interface name");
        assertThatThrownBy(() -> new Attachment("c1", "eth0", "01:00:5e:00:00:01", null))
                .hasMessageContaining("unicast");
        assertThatThrownBy(() -> new Attachment("bad id!", "eth0", null, null)).hasMessageContaining("container id");
    }
}
