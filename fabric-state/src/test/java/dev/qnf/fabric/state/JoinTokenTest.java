package dev.qnf.fabric.state;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.CreateToken;
import dev.qnf.fabric.command.DeleteToken;
import dev.qnf.fabric.command.PruneExpiredToken;
import dev.qnf.fabric.command.RedeemToken;
import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JoinTokenTest {
    static final String SECRET = "0123456789abcdef";
    static final long EXPIRES = 10_000;
    final Fixtures f = new Fixtures();

    private void create(String id, int uses) {
        Reply r = f.run(new CreateToken(new JoinToken(id, JoinToken.hashOf(SECRET), JoinRole.NODE, "rack-1", EXPIRES,
                uses, null)));
        assertThat(r).isInstanceOf(Reply.Ok.class);
    }

    private Reply redeem(String id, String secret, long now, String subject) {
        return f.run(new RedeemToken(id, JoinToken.hashOf(secret), now, subject));
    }

    @Test
    void theStateKeepsOnlyTheHashOfTheSecret() {
        create("abc123", 1);
        JoinToken stored = f.image.token("abc123").orElseThrow();
        assertThat(stored.secretHash()).isEqualTo(JoinToken.hashOf(SECRET)).doesNotContain(SECRET).hasSize(64);
        assertThat(f.image.resources().toString()).doesNotContain(SECRET);
    }

    @Test
    void aSingleUseTokenWorksExactlyOnceAndRecordsWhoUsedIt() {
        create("abc123", 1);
        Reply first = redeem("abc123", SECRET, 1_000, "node-a");
        assertThat(first).isInstanceOf(Reply.Ok.class);
        JoinToken used = (JoinToken) ((Reply.Ok) first).resource();
        assertThat(used.usesLeft()).isZero();
        assertThat(used.redeemedBy()).containsExactly("node-a");
        assertThat(used.role()).isEqualTo(JoinRole.NODE);
        assertThat(used.site()).isEqualTo("rack-1");

        long before = f.image.revision();
        FabricImage imageBefore = f.image;
        Reply second = redeem("abc123", SECRET, 1_001, "node-b");
        assertThat(Fixtures.code(second)).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(((Reply.Rejected) second).message()).contains("used up");
        assertThat(f.image.token("abc123")).isEqualTo(imageBefore.token("abc123"));
        assertThat(f.image.revision()).isEqualTo(before + 1);
    }

    @Test
    void twoRedemptionsDecidedInLogOrderFromTheSameImageGiveOneSuccess() {
        // what two servers proposing at once amounts to: both commands land in the log, each decided on the image
        // the previous one left; every replica decides the same way
        create("abc123", 1);
        List<Command> log = List.of(new RedeemToken("abc123", JoinToken.hashOf(SECRET), 2_000, "node-a"),
                new RedeemToken("abc123", JoinToken.hashOf(SECRET), 1_999, "node-b"));
        FabricImage start = f.image;
        FabricImage replicaA = start;
        FabricImage replicaB = start;
        int successes = 0;
        for (Command c : log) {
            Decision a = FabricMachine.decide(replicaA, c);
            Decision b = FabricMachine.decide(replicaB, c);
            assertThat(a).isEqualTo(b);
            successes += a.accepted() ? 1 : 0;
            replicaA = replicaA.apply(a.changes(), replicaA.revision() + 1);
            replicaB = replicaB.apply(b.changes(), replicaB.revision() + 1);
        }
        assertThat(successes).isEqualTo(1);
        assertThat(replicaA).isEqualTo(replicaB);
        assertThat(replicaA.token("abc123").orElseThrow().redeemedBy()).containsExactly("node-a");
    }

    @Test
    void usesCountDown() {
        create("abc123", 3);
        assertThat(redeem("abc123", SECRET, 1, "n1")).isInstanceOf(Reply.Ok.class);
        assertThat(redeem("abc123", SECRET, 2, "n2")).isInstanceOf(Reply.Ok.class);
        assertThat(redeem("abc123", SECRET, 3, "n3")).isInstanceOf(Reply.Ok.class);
        assertThat(Fixtures.code(redeem("abc123", SECRET, 4, "n4"))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(f.image.token("abc123").orElseThrow().redeemedBy()).containsExactly("n1", "n2", "n3");
    }

    @Test
    void aTokenAskedForAnotherRoleIsRefusedAndNotConsumed() {
        create("abc123", 1);   // a node token
        Reply asServer = f.run(new RedeemToken("abc123", JoinToken.hashOf(SECRET), 1_000, "s4", JoinRole.SERVER));
        assertThat(Fixtures.code(asServer)).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(((Reply.Rejected) asServer).message()).contains("for a node, not a server");
        assertThat(f.image.token("abc123").orElseThrow().usesLeft()).isEqualTo(1);
        Reply asNode = f.run(new RedeemToken("abc123", JoinToken.hashOf(SECRET), 1_000, "node-a", JoinRole.NODE));
        assertThat(asNode).isInstanceOf(Reply.Ok.class);
    }

    @Test
    void anExpiredTokenIsRefusedAndNotConsumed() {
        create("abc123", 1);
        Reply atExpiry = redeem("abc123", SECRET, EXPIRES, "node-a");
        assertThat(Fixtures.code(atExpiry)).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(((Reply.Rejected) atExpiry).message()).contains("expired");
        assertThat(f.image.token("abc123").orElseThrow().usesLeft()).isEqualTo(1);
        assertThat(redeem("abc123", SECRET, EXPIRES - 1, "node-a")).isInstanceOf(Reply.Ok.class);
    }

    @Test
    void aWrongSecretAndAnUnknownIdGetTheSameRefusalAndChangeNothing() {
        create("abc123", 1);
        Reply wrong = redeem("abc123", "fedcba9876543210", 1, "node-a");
        Reply unknown = redeem("zzz999", SECRET, 1, "node-a");
        assertThat(wrong).isEqualTo(unknown);
        assertThat(Fixtures.code(wrong)).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(f.image.token("abc123").orElseThrow().usesLeft()).isEqualTo(1);
    }

    @Test
    void creatingTheSameIdTwiceIsRefusedAndDeleteRemovesIt() {
        create("abc123", 1);
        Reply again = f.run(new CreateToken(new JoinToken("abc123", JoinToken.hashOf("other"), JoinRole.SERVER, null,
                EXPIRES, 1, null)));
        assertThat(Fixtures.code(again)).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(f.image.token("abc123").orElseThrow().role()).isEqualTo(JoinRole.NODE);
        assertThat(f.run(new DeleteToken("abc123"))).isInstanceOf(Reply.Ok.class);
        assertThat(f.image.tokens()).isEmpty();
        assertThat(Fixtures.code(redeem("abc123", SECRET, 1, "node-a"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(Fixtures.code(f.run(new DeleteToken("abc123")))).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void malformedTokensAndCommandsCannotBeBuilt() {
        String hash = JoinToken.hashOf(SECRET);
        assertThatThrownBy(() -> new JoinToken("ABC123", hash, JoinRole.NODE, null, 1, 1, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("token id");
        assertThatThrownBy(() -> new JoinToken("abc123", SECRET, JoinRole.NODE, null, 1, 1, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("hash");
        assertThatThrownBy(() -> new JoinToken("abc123", hash, JoinRole.NODE, null, 1, JoinToken.MAX_USES + 1, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("uses");
        assertThatThrownBy(() -> new CreateToken(new JoinToken("abc123", hash, JoinRole.NODE, null, 1, 0, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one use");
        assertThatThrownBy(() -> new RedeemToken("abc123", hash, 1, "Not A Name"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("node name");
        assertThatThrownBy(() -> JoinRole.parse("admin")).isInstanceOf(InvalidInputException.class);
        assertThat(JoinRole.parse("server")).isEqualTo(JoinRole.SERVER);
    }

    @Test
    void aPruneDeletesATokenOnlyIfItHasExpiredAtTheCommandsTime() {
        create("old111", 3);
        create("new222", 3);
        f.run(new CreateToken(new JoinToken("lat333", JoinToken.hashOf(SECRET),
                JoinRole.NODE, null, EXPIRES * 2, 1, null)));
        // not expired at the command's time: nothing, whatever a replica's own clock says when it applies it
        Decision early = FabricMachine.decide(f.image, new PruneExpiredToken("lat333", EXPIRES * 2 - 1));
        assertThat(early.accepted()).isTrue();
        assertThat(early.changes()).as("a no-op").isEmpty();
        // expired (the instant redemptions start to be refused): deleted, on every replica alike
        Decision a = FabricMachine.decide(f.image, new PruneExpiredToken("old111", EXPIRES));
        Decision b = FabricMachine.decide(f.image, new PruneExpiredToken("old111", EXPIRES));
        assertThat(a).isEqualTo(b);
        assertThat(f.run(new PruneExpiredToken("old111", EXPIRES))).isInstanceOf(Reply.Ok.class);
        assertThat(f.image.token("old111")).isEmpty();
        assertThat(f.image.token("new222")).as("only the one named").isPresent();
        // gone already (pruned by another server's proposal, or deleted): nothing
        assertThat(FabricMachine.decide(f.image, new PruneExpiredToken("old111", EXPIRES + 1)).changes()).isEmpty();
        assertThatThrownBy(() -> new PruneExpiredToken("NOT-AN-ID", 1)).isInstanceOf(InvalidInputException.class);
    }
}
