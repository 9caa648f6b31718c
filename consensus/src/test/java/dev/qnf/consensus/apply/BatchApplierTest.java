package dev.qnf.consensus.apply;

import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.state.ErrorCode;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatchApplierTest {
    private static final CreateNetwork BLUE = create("blue", "10.1.0.0/16");
    private static final CreateNetwork OVERLAPS_BLUE = create("green", "10.1.2.0/24");

    private static CreateNetwork create(String name, String cidr) {
        return new CreateNetwork(Network.spec(name, cidr, null, null, null, null, null, null, null, null, Map.of()));
    }

    private static Slot proposed(dev.qnf.fabric.command.Command c) {
        return new Slot.Proposed(c);
    }

    @Test
    void validationSeesEarlierCommandsOfTheSameBatch() {
        List<Slot> batch = List.of(proposed(BLUE), proposed(new Allocate("blue", "e1", null, null)),
                proposed(OVERLAPS_BLUE));

        BatchApplier.Validation v = BatchApplier.validate(FabricImage.empty(), batch);

        assertThat(v.slots().get(0)).isSameAs(batch.get(0));
        assertThat(v.slots().get(1)).isSameAs(batch.get(1));
        assertThat(v.slots().get(2)).isInstanceOfSatisfying(Slot.Refused.class,
                r -> assertThat(r.rejection().code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
        assertThat(v.anyRefused()).isTrue();
        assertThat(v.allRefused()).isFalse();
    }

    @Test
    void applyRecomputesDecisionsAndStampsTheEntryRevision() {
        List<Slot> batch = List.of(proposed(BLUE), proposed(new Allocate("blue", "e1", null, null)),
                new Slot.Refused(new Reply.Rejected(ErrorCode.NOT_FOUND, "stored rejection")),
                proposed(OVERLAPS_BLUE));

        BatchApplier.Outcome o = BatchApplier.apply(FabricImage.empty(), batch, 7);

        assertThat(o.image().revision()).isEqualTo(7);
        assertThat(o.image().network("blue")).isPresent();
        assertThat(o.image().endpoint("blue", "e1")).isPresent();
        assertThat(o.replies()).hasSize(4);
        assertThat(o.replies().get(2)).isEqualTo(new Reply.Rejected(ErrorCode.NOT_FOUND, "stored rejection"));
        assertThat(o.replies().get(3)).isInstanceOf(Reply.Rejected.class);
        // network, the allocation's block and the endpoint
        assertThat(o.changes()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anEntryWithoutChangesStillAdvancesTheRevision() {
        FabricImage before = FabricImage.empty().apply(List.of(), 3);
        BatchApplier.Outcome o = BatchApplier.apply(before,
                List.of(new Slot.Refused(new Reply.Rejected(ErrorCode.NOT_FOUND, "x"))), 9);
        assertThat(o.changes()).isEmpty();
        assertThat(o.image().revision()).isEqualTo(9);
    }

    @Test
    void applyIsDeterministic() {
        List<Slot> batch = List.of(proposed(BLUE), proposed(new Allocate("blue", "a", null, null)),
                proposed(new Allocate("blue", "b", null, null)));
        assertThat(BatchApplier.apply(FabricImage.empty(), batch, 5))
                .isEqualTo(BatchApplier.apply(FabricImage.empty(), batch, 5));
    }
}
