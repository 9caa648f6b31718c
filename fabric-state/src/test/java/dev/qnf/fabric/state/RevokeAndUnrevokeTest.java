package dev.qnf.fabric.state;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.CreateToken;
import dev.qnf.fabric.command.RedeemToken;
import dev.qnf.fabric.command.RevokeNode;
import dev.qnf.fabric.command.RevokeUser;
import dev.qnf.fabric.command.UnrevokeNode;
import dev.qnf.fabric.command.UnrevokeUser;
import dev.qnf.fabric.model.AuditEntry;
import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Revocation;
import dev.qnf.fabric.model.UserRevocation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Users' revocation and un-revoking in the state machine: recorded once, refused for bad names and for an admin
 * revoking itself, and an un-revoke that lets in only certificates issued after it.
 */
class RevokeAndUnrevokeTest {
    private static final String ADMIN = "spiffe://c1/user/admin";

    private static FabricImage run(FabricImage image, Command c) {
        Decision d = FabricMachine.decide(image, c);
        assertThat(d.accepted()).as("%s: %s", c, d.reply()).isTrue();
        return image.apply(d.changes(), image.revision() + 1);
    }

    private static Reply.Rejected rejected(FabricImage image, Command c) {
        Decision d = FabricMachine.decide(image, c);
        assertThat(d.changes()).isEmpty();
        assertThat(d.reply()).isInstanceOf(Reply.Rejected.class);
        return (Reply.Rejected) d.reply();
    }

    @Test
    void aUserRevocationIsRecordedOnceAndAuditedAsRevokeUser() {
        Attributed revoke = new Attributed(ADMIN, 10, new RevokeUser("alice", "ab", 10));
        Decision first = FabricMachine.decide(FabricImage.empty(), revoke);
        assertThat(first.reply()).isInstanceOfSatisfying(Reply.Ok.class, ok -> assertThat(ok.created()).isTrue());
        FabricImage image = FabricImage.empty().apply(first.changes(), 1);
        assertThat(image.userRevocation("alice")).contains(new UserRevocation("alice", "ab", 10, 0));
        assertThat(image.revocation("alice")).as("a node of the same name is another identity").isEmpty();
        assertThat(AuditTrail.record(image, revoke, first, 1)).singleElement().satisfies(c ->
                assertThat(((Change.Put) c).resource()).isInstanceOfSatisfying(AuditEntry.class, e -> {
                    assertThat(e.what()).isEqualTo("revoke-user");
                    assertThat(e.object()).isEqualTo("user-revocation/alice");
                    assertThat(e.who()).isEqualTo(ADMIN);
                }));

        Decision again = FabricMachine.decide(image, new Attributed(ADMIN, 20, new RevokeUser("alice", null, 20)));
        assertThat(again.accepted()).isTrue();
        assertThat(again.changes()).as("idempotent: the first record stays").isEmpty();
        assertThat(AuditTrail.record(image, new Attributed(ADMIN, 20, new RevokeUser("alice", null, 20)), again, 2))
                .as("a no-op is not audited").isEmpty();
    }

    @Test
    void anAdminCannotRevokeTheUserItCallsAsButAnotherAdminCan() {
        Reply.Rejected self = rejected(FabricImage.empty(), new Attributed(ADMIN, 10, new RevokeUser("admin", null, 10)));
        assertThat(self.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(self.message()).contains("may not revoke itself");

        for (String other : new String[]{"spiffe://c1/user/root", "spiffe://c1/node/admin", "spiffe://c1/user/admin2",
                "spiffe://c1/server/admin", "anonymous"}) {
            assertThat(FabricMachine.decide(FabricImage.empty(), new Attributed(other, 10, new RevokeUser("admin", null, 10)))
                    .accepted()).as(other).isTrue();
        }
        assertThat(new RevokeUser("admin", null, 1).isCalledBy("spiffe://other.cluster/user/admin")).isTrue();
        assertThat(new RevokeUser("admin", null, 1).isCalledBy("spiffe:///user/admin")).isFalse();
        assertThat(new RevokeUser("admin", null, 1).isCalledBy("spiffe://a/b/user/admin")).isFalse();
    }

    @Test
    void badNamesCannotBeBuiltSoNeverReachTheLog() {
        for (String bad : new String[]{"", "Alice", "a/b", "a b", "-a", "a".repeat(254), "a..b/"}) {
            assertThatThrownBy(() -> new RevokeUser(bad, null, 1)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new UnrevokeUser(bad, 1)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new UnrevokeNode(bad, 1)).isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> new RevokeUser(null, null, 1)).hasMessageContaining("user name is required");
    }

    @Test
    void unrevokingANameNeverRevokedIsNotFoundAndChangesNothing() {
        assertThat(rejected(FabricImage.empty(), new UnrevokeNode("n1", 5)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        FabricImage nodeOnly = run(FabricImage.empty(), new RevokeNode("n1", null, 5));
        assertThat(rejected(nodeOnly, new UnrevokeUser("n1", 6)).message()).isEqualTo("user n1 is not revoked");
    }

    @Test
    void anUnrevokeLetsInOnlyCertificatesIssuedInALaterSecondAndIsIdempotent() {
        FabricImage image = run(FabricImage.empty(), new RevokeUser("alice", null, 10_000));
        assertThat(image.userRevocation("alice").orElseThrow().refuses(99_000_000)).as("in force: all").isTrue();

        image = run(image, new UnrevokeUser("alice", 20_400));
        UserRevocation lifted = image.userRevocation("alice").orElseThrow();
        assertThat(lifted).isEqualTo(new UserRevocation("alice", "", 10_000, 20_400));
        assertThat(lifted.inForce()).isFalse();
        assertThat(lifted.refuses(5_000)).as("issued before the revocation").isTrue();
        assertThat(lifted.refuses(20_000)).as("issued in the second of the lift").isTrue();
        assertThat(lifted.refuses(21_000)).as("issued in the next second").isFalse();

        Decision retry = FabricMachine.decide(image, new UnrevokeUser("alice", 30_000));
        assertThat(retry.accepted()).isTrue();
        assertThat(retry.changes()).as("a retry keeps the first cut-off").isEmpty();

        Decision again = FabricMachine.decide(image, new RevokeUser("alice", "cd", 40_000));
        assertThat(again.reply()).as("revoking a lifted name revokes it anew")
                .isInstanceOfSatisfying(Reply.Ok.class, ok -> assertThat(ok.created()).isTrue());
        image = image.apply(again.changes(), image.revision() + 1);
        assertThat(image.userRevocation("alice")).as("revoked again: in force, a new record")
                .contains(new UserRevocation("alice", "cd", 40_000, 0));
    }

    @Test
    void aLiftedNodeMayJoinAgainWithATokenAndItsOldCertificatesStayRefused() {
        JoinToken token = new JoinToken("tok001", JoinToken.hashOf("secret"), JoinRole.NODE, null, 100_000, 5, null);
        FabricImage image = run(FabricImage.empty(), new CreateToken(token));
        image = run(image, new RevokeNode("n1", "ab", 10_000));
        assertThat(rejected(image, new RedeemToken("tok001", JoinToken.hashOf("secret"), 15_000, "n1")).message())
                .contains("n1 is revoked");

        image = run(image, new UnrevokeNode("n1", 20_000));
        assertThat(image.revocation("n1")).contains(new Revocation("n1", "ab", 10_000, 20_000));
        assertThat(image.revocation("n1").orElseThrow().refuses(9_000)).isTrue();
        image = run(image, new RedeemToken("tok001", JoinToken.hashOf("secret"), 25_000, "n1"));
        assertThat(image.token("tok001").orElseThrow().usesLeft()).isEqualTo(4);
    }
}
