package dev.qnf.fabric.policy;

import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.DeletePolicy;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.state.Decision;
import dev.qnf.fabric.state.ErrorCode;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.FabricMachine;
import dev.qnf.fabric.state.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApplyPoliciesTest {
    final PolicyWorld w = new PolicyWorld().network("prod", "10.1.0.0/24", Verdict.DENY)
            .endpoint("prod", "web", "shop", "app=web").endpoint("prod", "api", "shop", "app=api");

    static final Policy API_IN = Policy.of("shop", "api-in", Selector.parse("app=api"), null, null,
            List.of(Rule.allow(List.of(Peer.endpoints(Selector.parse("app=web"))), List.of(PortRange.of(Protocol.TCP, 80)))),
            null);
    static final Policy WEB_OUT = Policy.of("shop", "web-out", Selector.parse("app=web"), null, null, null,
            List.of(Rule.allow(List.of(Peer.endpoints(Selector.parse("app=api"))), null)));

    @Test
    void testsRunAgainstTheStateWithTheChangeApplied() {
        List<PolicyTest> tests = List.of(
                new PolicyTest("prod/web", "prod/api", Protocol.TCP, 80, Verdict.ALLOW),
                new PolicyTest("prod/api", "prod/web", Protocol.TCP, 80, Verdict.DENY));
        Reply r = w.run(new ApplyPolicies(List.of(API_IN, WEB_OUT), List.of(), tests));
        assertThat(r).isInstanceOf(Reply.Ok.class);
        assertThat(w.image.policies()).containsExactly(API_IN, WEB_OUT);
    }

    @Test
    void aFailingTestRejectsTheWholeApplyAndNamesEveryFailure() {
        FabricImage before = w.image;
        List<PolicyTest> tests = List.of(
                new PolicyTest("prod/web", "prod/api", Protocol.TCP, 80, Verdict.ALLOW),
                new PolicyTest("prod/web", "prod/api", Protocol.TCP, 81, Verdict.ALLOW),
                new PolicyTest("prod/ghost", "prod/api", Protocol.TCP, 80, Verdict.DENY));
        Decision d = FabricMachine.decide(before, new ApplyPolicies(List.of(API_IN), List.of(), tests));
        assertThat(d.changes()).isEmpty();
        Reply.Rejected rej = (Reply.Rejected) d.reply();
        assertThat(rej.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        // web-out is missing, so even port 80 is denied at web's egress
        assertThat(rej.message()).startsWith("3 of 3 policy test(s) failed; nothing applied")
                .contains("FAIL prod/web -> prod/api tcp/80 expect allow: got deny",
                        "FAIL prod/web -> prod/api tcp/81 expect allow",
                        "endpoint prod/ghost not found");
    }

    @Test
    void testsAloneCheckTheCurrentStateAndReapplyingIsANoOp() {
        w.ok(new ApplyPolicies(List.of(API_IN, WEB_OUT), List.of(), List.of()));
        Decision again = FabricMachine.decide(w.image, new ApplyPolicies(List.of(API_IN, WEB_OUT), List.of(), List.of(
                new PolicyTest("prod/web", "prod/api", Protocol.TCP, 80, Verdict.ALLOW))));
        assertThat(again.accepted()).isTrue();
        assertThat(again.changes()).isEmpty();
    }

    @Test
    void aDefaultNeedsItsNetworkAndGoesWithIt() {
        Reply r = w.run(new ApplyPolicies(List.of(), List.of(new PolicyDefault("nope", Verdict.ALLOW)), List.of()));
        assertThat(((Reply.Rejected) r).code()).isEqualTo(ErrorCode.NOT_FOUND);
        w.ok(new ApplyPolicies(List.of(), List.of(new PolicyDefault("prod", Verdict.ALLOW)), List.of()));
        assertThat(w.image.policyDefault("prod")).isEqualTo(Verdict.ALLOW);
        w.ok(new Release("prod", "web"));
        w.ok(new Release("prod", "api"));
        w.ok(new DeleteNetwork("prod"));
        assertThat(w.image.policyDefaults()).isEmpty();
    }

    @Test
    void deleteRemovesOnePolicyAndAnUnknownOneIsNotFound() {
        w.ok(new ApplyPolicies(List.of(API_IN, WEB_OUT), List.of(), List.of()));
        w.ok(new DeletePolicy("shop", "api-in"));
        assertThat(w.image.policies()).containsExactly(WEB_OUT);
        Reply r = w.run(new DeletePolicy("shop", "api-in"));
        assertThat(((Reply.Rejected) r).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }
}
