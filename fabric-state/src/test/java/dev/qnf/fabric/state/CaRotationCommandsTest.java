package dev.qnf.fabric.state;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.RetireOldCa;
import dev.qnf.fabric.command.RotateCa;
import dev.qnf.fabric.model.CaRotation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CA rotation in the state machine: one rotation at a time, only from the current signer, retirement of the old CA
 * only after the overlap (unless forced); every refusal a clear FAILED_PRECONDITION that changes nothing.
 */
class CaRotationCommandsTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final String PEM = "-----BEGIN CERTIFICATE-----\n";

    private static String pin(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private static CaRotation rotation(char from, char to, long at) {
        return new CaRotation(PEM + to, PEM + to + "'", PEM + from, "sealed-" + to, pin(to), pin(from), at, 0);
    }

    private static FabricImage run(FabricImage image, Command c) {
        Decision d = FabricMachine.decide(image, c);
        assertThat(d.accepted()).as(d.reply().toString()).isTrue();
        return image.apply(d.changes(), image.revision() + 1);
    }

    private static void assertRefused(FabricImage image, Command c, String... fragments) {
        Decision d = FabricMachine.decide(image, c);
        assertThat(d.changes()).as("a refusal changes nothing").isEmpty();
        assertThat(d.reply()).isInstanceOfSatisfying(Reply.Rejected.class, r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            assertThat(r.message()).contains(fragments);
        });
    }

    @Test
    void aRotationIsRecordedAndTheNextWaitsForTheRetirement() {
        FabricImage image = run(FabricImage.empty(), new RotateCa(rotation('a', 'b', T0)));
        assertThat(image.caRotation()).contains(rotation('a', 'b', T0));
        assertRefused(image, new RotateCa(rotation('b', 'c', T0 + 1)), "in progress", "retire the old CA first");

        image = run(image, new RetireOldCa(T0 + CaRotation.MIN_OVERLAP_MILLIS, false));
        assertThat(image.caRotation().orElseThrow().retiredAtMillis()).isEqualTo(T0 + CaRotation.MIN_OVERLAP_MILLIS);
        // a proposer still holding A (it missed the rotation to B) cannot roll the cluster back
        assertRefused(image, new RotateCa(rotation('a', 'c', T0 + 2)), "not the cluster's signer", pin('b'));
        image = run(image, new RotateCa(rotation('b', 'c', T0 + 3)));
        assertThat(image.caRotation().orElseThrow().signerPin()).isEqualTo(pin('c'));
    }

    @Test
    void retiringWaitsForTheOverlapUnlessForcedAndIsIdempotent() {
        assertRefused(FabricImage.empty(), new RetireOldCa(T0, true), "never rotated");
        FabricImage image = run(FabricImage.empty(), new RotateCa(rotation('a', 'b', T0)));
        assertRefused(image, new RetireOldCa(T0 + CaRotation.MIN_OVERLAP_MILLIS - 1, false), "can be retired from",
                java.time.Instant.ofEpochMilli(T0 + CaRotation.MIN_OVERLAP_MILLIS).toString(), "--force");

        image = run(image, new RetireOldCa(T0 + 5, true));
        assertThat(image.caRotation().orElseThrow().retired()).isTrue();
        Decision again = FabricMachine.decide(image, new RetireOldCa(T0 + 9, false));
        assertThat(again.accepted()).isTrue();
        assertThat(again.changes()).isEmpty();
        assertThat(image.caRotation().orElseThrow().retiredAtMillis()).isEqualTo(T0 + 5);
    }

    @Test
    void malformedRotationsCannotBeBuilt() {
        assertThatThrownBy(() -> new CaRotation("not pem", PEM, PEM, "k", pin('b'), pin('a'), T0, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("signer must be a PEM certificate");
        assertThatThrownBy(() -> new CaRotation(PEM, PEM, PEM, "k", pin('a'), pin('a'), T0, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("same pin");
        assertThatThrownBy(() -> new CaRotation(PEM, PEM, PEM, "k", "sha256:zz", pin('a'), T0, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("signerPin");
        assertThatThrownBy(() -> new CaRotation(PEM, PEM, PEM, "", pin('b'), pin('a'), T0, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sealedKey");
        assertThatThrownBy(() -> new CaRotation(PEM, PEM, PEM, "k", pin('b'), pin('a'), T0, T0 - 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("before the rotation");
        assertThatThrownBy(() -> new RotateCa(rotation('a', 'b', T0).retiredAt(T0 + 1)))
                .isInstanceOf(InvalidInputException.class);
        assertThat(rotation('a', 'b', T0).toString()).doesNotContain("sealed-b");
    }
}
