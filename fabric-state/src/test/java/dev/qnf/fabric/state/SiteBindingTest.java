package dev.qnf.fabric.state;

import dev.qnf.fabric.command.CreateToken;
import dev.qnf.fabric.command.RedeemToken;
import dev.qnf.fabric.command.RegisterNode;
import dev.qnf.fabric.command.RemoveNode;
import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.SiteBinding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A node that joined with a site-bound token is in that site and stays there, whoever writes its record. */
class SiteBindingTest {
    static final String SECRET = "0123456789abcdef";
    final Fixtures f = new Fixtures();

    private void token(String id, JoinRole role, String site) {
        assertThat(f.run(new CreateToken(new JoinToken(id, JoinToken.hashOf(SECRET), role, site, 10_000, 5, null))))
                .isInstanceOf(Reply.Ok.class);
    }

    private Reply join(String token, String node) {
        return f.run(new RedeemToken(token, JoinToken.hashOf(SECRET), 1_000, node));
    }

    private Reply register(String node, String site) {
        return f.run(new RegisterNode(new Node(node, site, List.of("192.0.2.7"), "", 5_000)));
    }

    @Test
    void aSiteTokenBindsTheNodeToItsSiteInTheSameApplyAsTheRedemption() {
        token("siteb1", JoinRole.NODE, "b");
        long before = f.image.revision();
        assertThat(join("siteb1", "b1")).isInstanceOf(Reply.Ok.class);
        assertThat(f.image.revision()).isEqualTo(before + 1);
        assertThat(f.image.siteBinding("b1")).contains(new SiteBinding("b1", "b", "siteb1"));
        assertThat(f.image.token("siteb1").orElseThrow().redeemedBy()).containsExactly("b1");
        assertThat(register("b1", "b")).isInstanceOf(Reply.Ok.class);
        assertThat(f.image.node("b1").orElseThrow().site()).isEqualTo("b");
    }

    @Test
    void aBoundNodeCannotRegisterInAnotherSiteAndTheRefusalChangesNothing() {
        token("siteb1", JoinRole.NODE, "b");
        join("siteb1", "b1");
        register("b1", "b");
        FabricImage before = f.image;

        Decision moved = FabricMachine.decide(f.image, new RegisterNode(new Node("b1", "a", List.of(), "", 9_000)));
        assertThat(moved.accepted()).isFalse();
        assertThat(moved.changes()).isEmpty();
        assertThat(moved.reply()).isInstanceOfSatisfying(Reply.Rejected.class, r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(r.message()).contains("node b1 joined site b", "siteb1", "may not register in site a");
        });
        // no site given means the default site, which is another site too
        assertThat(Fixtures.code(register("b1", null))).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(f.image.node("b1")).isEqualTo(before.node("b1"));
    }

    @Test
    void deletingItsOwnRecordDoesNotFreeANodeFromItsSite() {
        token("siteb1", JoinRole.NODE, "b");
        join("siteb1", "b1");
        register("b1", "b");
        assertThat(f.run(new RemoveNode("b1"))).isInstanceOf(Reply.Ok.class);
        assertThat(f.image.node("b1")).isEmpty();
        assertThat(Fixtures.code(register("b1", "a"))).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(f.image.siteBinding("b1")).isPresent();
        assertThat(register("b1", "b")).isInstanceOf(Reply.Ok.class);
    }

    @Test
    void tokensWithoutASiteAndServerTokensBindNothing() {
        token("anyone", JoinRole.NODE, null);
        token("server", JoinRole.SERVER, "b");
        join("anyone", "n1");
        join("server", "s1");
        assertThat(f.image.siteBinding("n1")).isEmpty();
        assertThat(f.image.siteBinding("s1")).isEmpty();
        assertThat(register("n1", "a")).isInstanceOf(Reply.Ok.class);
        assertThat(register("n1", "b")).as("an unbound node still moves freely").isInstanceOf(Reply.Ok.class);
    }

    @Test
    void onlyAJoinWithAnotherSitesTokenMovesABoundNode() {
        token("siteb1", JoinRole.NODE, "b");
        token("anyone", JoinRole.NODE, null);
        token("sitec1", JoinRole.NODE, "c");
        join("siteb1", "n1");
        join("anyone", "n1");
        assertThat(f.image.siteBinding("n1").orElseThrow().site()).as("a token without a site keeps the binding")
                .isEqualTo("b");
        join("sitec1", "n1");
        assertThat(f.image.siteBinding("n1")).contains(new SiteBinding("n1", "c", "sitec1"));
        assertThat(Fixtures.code(register("n1", "b"))).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(register("n1", "c")).isInstanceOf(Reply.Ok.class);
    }

    @Test
    void aJoinerSayingItIsInAnotherSiteIsRefusedAndTheTokenIsNotSpent() {
        token("siteb1", JoinRole.NODE, "b");
        FabricImage before = f.image;
        Decision d = FabricMachine.decide(f.image, new RedeemToken("siteb1", JoinToken.hashOf(SECRET), 1_000, "b1",
                null, "a"));
        assertThat(d.changes()).isEmpty();
        assertThat(d.reply()).isInstanceOfSatisfying(Reply.Rejected.class, r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(r.message()).contains("join token siteb1 is for site b, not a");
        });
        assertThat(f.run(new RedeemToken("siteb1", JoinToken.hashOf(SECRET), 1_000, "b1", null, "b")))
                .isInstanceOf(Reply.Ok.class);
        assertThat(f.image.token("siteb1").orElseThrow().usesLeft()).isEqualTo(before.token("siteb1").orElseThrow()
                .usesLeft() - 1);
        // a wrong secret with a wrong site still gets the answer that reveals nothing
        assertThat(Fixtures.code(f.run(new RedeemToken("siteb1", JoinToken.hashOf("wrongwrongwrong0"), 1_000, "b2", null,
                "a")))).isEqualTo(ErrorCode.NOT_FOUND);
        // a token without a site takes a joiner of any site, and binds it to none
        token("anyone", JoinRole.NODE, null);
        assertThat(f.run(new RedeemToken("anyone", JoinToken.hashOf(SECRET), 1_000, "n9", null, "z")))
                .isInstanceOf(Reply.Ok.class);
        assertThat(f.image.siteBinding("n9")).isEmpty();
    }

    @Test
    void aRefusedRedemptionBindsNothing() {
        token("siteb1", JoinRole.NODE, "b");
        f.run(new RedeemToken("siteb1", JoinToken.hashOf("wrongwrongwrong0"), 1_000, "b1"));
        f.run(new RedeemToken("siteb1", JoinToken.hashOf(SECRET), 20_000, "b2"));   // expired
        assertThat(f.image.siteBinding("b1")).isEmpty();
        assertThat(f.image.siteBinding("b2")).isEmpty();
    }

    @Test
    void bindingsAreStateLikeAnyOtherResource() {
        token("siteb1", JoinRole.NODE, "b");
        join("siteb1", "b1");
        FabricImage restored = FabricImage.of(f.image.revision(), f.image.resources());
        assertThat(restored).isEqualTo(f.image);
        assertThat(restored.siteBinding("b1")).isPresent();
        assertThat(f.image.counts()).containsEntry("site-binding", 1);
    }
}
