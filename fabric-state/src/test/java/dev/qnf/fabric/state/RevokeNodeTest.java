package dev.qnf.fabric.state;

import dev.qnf.fabric.command.CreateToken;
import dev.qnf.fabric.command.RedeemToken;
import dev.qnf.fabric.command.RevokeNode;
import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Revocation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Revocation in the state machine: recorded once, and a revoked node cannot rejoin with a token. */
class RevokeNodeTest {
    private static FabricImage run(FabricImage image, dev.qnf.fabric.command.Command c) {
        Decision d = FabricMachine.decide(image, c);
        return image.apply(d.changes(), image.revision() + 1);
    }

    @Test
    void revocationIsRecordedOnceAndIdempotent() {
        FabricImage image = run(FabricImage.empty(), new RevokeNode("n1", "ab", 10));
        assertThat(image.revocation("n1")).contains(new Revocation("n1", "ab", 10));
        Decision again = FabricMachine.decide(image, new RevokeNode("n1", null, 20));
        assertThat(again.accepted()).isTrue();
        assertThat(again.changes()).isEmpty();
    }

    @Test
    void aRevokedNodeCannotRedeemAJoinToken() {
        JoinToken token = new JoinToken("tok001", JoinToken.hashOf("secret"), JoinRole.NODE, null, 1_000, 5, null);
        FabricImage image = run(FabricImage.empty(), new CreateToken(token));
        image = run(image, new RevokeNode("n1", null, 10));
        Decision refused = FabricMachine.decide(image, new RedeemToken("tok001", JoinToken.hashOf("secret"), 500, "n1"));
        assertThat(refused.reply()).isInstanceOfSatisfying(Reply.Rejected.class,
                r -> assertThat(r.message()).contains("n1 is revoked"));
        assertThat(FabricMachine.decide(image, new RedeemToken("tok001", JoinToken.hashOf("secret"), 500, "n2"))
                .accepted()).isTrue();
    }
}
