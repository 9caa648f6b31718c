package dev.qnf.fabric.state;

import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.RegisterNode;
import dev.qnf.fabric.model.AuditEntry;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Node;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit rule alone: what is recorded, with which fields, and the bound on retention. */
class AuditTrailTest {
    private static final String ADMIN = "spiffe://t/user/admin";

    /** As the consensus BatchApplier does it: decide, then record in the same change list. */
    private static FabricImage apply(FabricImage image, Attributed command, long revision) {
        Decision d = FabricMachine.decide(image, command);
        List<Change> changes = new ArrayList<>(d.changes());
        changes.addAll(AuditTrail.record(image, command, d, revision));
        return image.apply(changes, revision);
    }

    private static Network net(String name, String cidr) {
        return Network.spec(name, cidr, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void anAcceptedChangeIsRecordedWithWhoWhatWhenAndRevision() {
        FabricImage image = apply(FabricImage.empty(), new Attributed(ADMIN, 1234, new CreateNetwork(net("a",
                "10.0.0.0/24"))), 5);
        assertThat(image.audit()).containsExactly(new AuditEntry(1, ADMIN, "create-network", "network/a", 1234, 5));
        image = apply(image, new Attributed(ADMIN, 1300, new DeleteNetwork("a")), 6);
        assertThat(image.audit()).extracting(AuditEntry::what, AuditEntry::object, AuditEntry::revision)
                .last().isEqualTo(org.assertj.core.groups.Tuple.tuple("delete-network", "network/a", 6L));
    }

    @Test
    void refusalsAndNoOpRetriesAreNotRecorded() {
        FabricImage image = apply(FabricImage.empty(), new Attributed(ADMIN, 1, new DeleteNetwork("missing")), 2);
        assertThat(image.audit()).isEmpty();
        Node node = new Node("n1", null, List.of("10.1.1.1"), "", 0);
        image = apply(image, new Attributed("spiffe://t/node/n1", 1, new RegisterNode(node)), 3);
        image = apply(image, new Attributed("spiffe://t/node/n1", 2, new RegisterNode(node)), 4);
        assertThat(image.audit()).extracting(AuditEntry::revision).containsExactly(3L);
    }

    @Test
    void keepsTheLastRetainedEntries() {
        FabricImage image = FabricImage.empty();
        int writes = AuditTrail.RETAINED + 3;
        for (int i = 0; i < writes; i++) {
            Node node = new Node("n1", null, List.of("10.1." + (i / 250) + "." + (i % 250 + 1)), "", 0);
            image = apply(image, new Attributed(ADMIN, i, new RegisterNode(node)), i + 1);
        }
        assertThat(image.audit()).hasSize(AuditTrail.RETAINED);
        assertThat(image.audit().iterator().next().seq()).isEqualTo(4);
        assertThat(image.audit()).extracting(AuditEntry::revision).last().isEqualTo((long) writes);
    }
}
