package dev.qnf.api.grpc;

import dev.qnf.api.testing.ReplicaServers;
import dev.qnf.api.testing.Target;
import dev.qnf.api.v1.AllocateRequest;
import dev.qnf.api.v1.ApplyPoliciesRequest;
import dev.qnf.api.v1.ApplyPoliciesResponse;
import dev.qnf.api.v1.CreateNetworkRequest;
import dev.qnf.api.v1.DeletePolicyRequest;
import dev.qnf.api.v1.Event;
import dev.qnf.api.v1.ExplainRequest;
import dev.qnf.api.v1.ExplainResponse;
import dev.qnf.api.v1.GetPolicyRequest;
import dev.qnf.api.v1.IpamGrpc;
import dev.qnf.api.v1.LabelEndpointRequest;
import dev.qnf.api.v1.LabelSelector;
import dev.qnf.api.v1.ListIdentitiesRequest;
import dev.qnf.api.v1.ListPoliciesRequest;
import dev.qnf.api.v1.NetworksGrpc;
import dev.qnf.api.v1.PoliciesGrpc;
import dev.qnf.api.v1.Policy;
import dev.qnf.api.v1.PolicyPeer;
import dev.qnf.api.v1.PolicyPort;
import dev.qnf.api.v1.PolicyRule;
import dev.qnf.api.v1.PolicyTest;
import dev.qnf.api.v1.WatchGrpc;
import dev.qnf.api.v1.WatchRequest;
import dev.qnf.api.v1.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code qnf.v1.Policies} and {@code qnf.v1.Ipam/Label} on a real single-node Raft replica: the same policy file as
 * {@code PolicyRestTest}, built from messages, with the same verdicts, errors and watch events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyGrpcTest {
    Target target;
    ManagedChannel channel;
    PoliciesGrpc.PoliciesBlockingStub policies;
    IpamGrpc.IpamBlockingStub ipam;

    static LabelSelector app(String app) {
        return LabelSelector.newBuilder().putMatchLabels("app", app).build();
    }

    static final Policy API_IN = Policy.newBuilder().setNamespace("shop").setName("api-in").setSelector(app("api"))
            .addIngress(PolicyRule.newBuilder().setAction("allow")
                    .addFrom(PolicyPeer.newBuilder().setEndpoints(app("web")))
                    .addPorts(PolicyPort.newBuilder().setProtocol("tcp").setPort(8080).setEndPort(8090)))
            .addIngress(PolicyRule.newBuilder().setAction("deny").addFrom(PolicyPeer.newBuilder()
                    .setEndpoints(LabelSelector.newBuilder().putMatchLabels("legacy", "true"))))
            .build();
    static final Policy WEB_OUT = Policy.newBuilder().setNamespace("shop").setName("web-out").setSelector(app("web"))
            .addEgress(PolicyRule.newBuilder().setAction("allow").addTo(PolicyPeer.newBuilder().setEndpoints(app("api")))
                    .addTo(PolicyPeer.newBuilder().setCidr("0.0.0.0/0").addExcept("10.0.0.0/8")))
            .build();

    static PolicyTest test(String from, String to, int port, String expect) {
        return PolicyTest.newBuilder().setFrom(from).setTo(to).setPort(port).setExpect(expect).build();
    }

    @BeforeAll
    void start() {
        target = ReplicaServers.single("policy-grpc-r1");
        target.server().announced().join();
        URI uri = URI.create(target.url());
        channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        policies = PoliciesGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        ipam = IpamGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        NetworksGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
                .create(CreateNetworkRequest.newBuilder().setName("pol").setCidr("10.78.0.0/24").build());
        for (String e : List.of("web", "api")) {
            ipam.allocate(AllocateRequest.newBuilder().setNetwork("pol").setEndpoint(e).setContainerId(e)
                    .putAllLabels(Map.of("app", e, "k8s.qnf.dev/namespace", "shop")).build());
        }
        ApplyPoliciesResponse applied = policies.apply(ApplyPoliciesRequest.newBuilder()
                .addPolicies(API_IN).addPolicies(WEB_OUT).putDefaults("pol", "deny")
                .addTests(test("pol/web", "pol/api", 8080, "allow"))
                .addTests(test("pol/api", "pol/web", 8080, "deny")).build());
        assertThat(applied.getPoliciesList()).containsExactly("shop/api-in", "shop/web-out");
        assertThat(applied.getTestsPassed()).isEqualTo(2);
        assertThat(applied.getCreated()).isTrue();
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (target != null) {
            target.close();
        }
    }

    long revision() {
        return policies.list(ListPoliciesRequest.getDefaultInstance()).getRevision();
    }

    @Test
    void getAndListAnswerWhatWasApplied() {
        Policy got = policies.get(GetPolicyRequest.newBuilder().setNamespace("shop").setName("api-in").build())
                .getPolicy();
        assertThat(got).isEqualTo(API_IN);
        var list = policies.list(ListPoliciesRequest.newBuilder().setNamespace("shop").build());
        assertThat(list.getPoliciesList()).containsExactly(API_IN, WEB_OUT);
        assertThat(list.getDefaultsMap()).containsEntry("pol", "deny");
        assertThat(policies.list(ListPoliciesRequest.newBuilder().setNamespace("other").build()).getPoliciesList())
                .isEmpty();
        assertCode(() -> policies.get(GetPolicyRequest.newBuilder().setNamespace("shop").setName("nope").build()),
                Status.Code.NOT_FOUND);
    }

    @Test
    void explainNamesTheDecidingRules() {
        ExplainResponse allow = policies.explain(ExplainRequest.newBuilder().setFrom("pol/web").setTo("pol/api")
                .setPort(8085).setProto("tcp").build());
        assertThat(allow.getVerdict()).isEqualTo("allow");
        List<String> decided = new ArrayList<>();
        allow.getReasonsList().forEach(r -> decided.add(r.getDirection() + " " + r.getPolicy() + "[" + r.getRule()
                + "]"));
        assertThat(decided).containsExactly("egress shop/web-out[0]", "ingress shop/api-in[0]");

        ExplainResponse deny = policies.explain(ExplainRequest.newBuilder().setFrom("pol/api").setTo("pol/web")
                .setPort(8080).build());
        assertThat(deny.getVerdict()).isEqualTo("deny");
        assertThat(deny.getReasons(0).hasPolicy()).isFalse();
        assertThat(deny.getReasons(0).getText()).contains("network pol denies by default");

        assertCode(() -> policies.explain(ExplainRequest.newBuilder().setFrom("pol/web").setTo("pol/api").build()),
                Status.Code.INVALID_ARGUMENT);
        assertCode(() -> policies.explain(ExplainRequest.newBuilder().setFrom("pol/web").setTo("pol/api")
                .setPort(1).setProto("gre").build()), Status.Code.INVALID_ARGUMENT);
        assertCode(() -> policies.explain(ExplainRequest.newBuilder().setFrom("pol/ghost").setTo("pol/api")
                .setPort(1).build()), Status.Code.NOT_FOUND);
    }

    @Test
    void aFailingTestOrABadPolicyIsRefusedAndChangesNothing() {
        long before = revision();
        StatusRuntimeException failed = assertCode(() -> policies.apply(ApplyPoliciesRequest.newBuilder()
                .addPolicies(Policy.newBuilder().setNamespace("shop").setName("api-in").setSelector(app("api"))
                        .addIsolate("ingress"))
                .addTests(test("pol/web", "pol/api", 8080, "allow")).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(failed.getStatus().getDescription()).contains("FAIL pol/web -> pol/api tcp/8080 expect allow");
        // as read back: the action is always spelled out
        for (ApplyPoliciesRequest bad : List.of(
                ApplyPoliciesRequest.newBuilder().addPolicies(Policy.newBuilder().setName("x")
                        .addIngress(PolicyRule.newBuilder().addTo(PolicyPeer.newBuilder().setEntity("world"))))
                        .build(),
                ApplyPoliciesRequest.newBuilder().addPolicies(Policy.newBuilder().setName("x")
                        .addIngress(PolicyRule.newBuilder().addPorts(PolicyPort.newBuilder().setProtocol("gre"))))
                        .build(),
                ApplyPoliciesRequest.newBuilder().addPolicies(Policy.newBuilder().setName("Bad Name")).build(),
                ApplyPoliciesRequest.newBuilder().putDefaults("pol", "sometimes").build(),
                ApplyPoliciesRequest.getDefaultInstance())) {
            assertThat(catchCode(() -> policies.apply(bad))).as(bad.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(revision()).isEqualTo(before);
        assertThat(policies.get(GetPolicyRequest.newBuilder().setNamespace("shop").setName("api-in").build())
                .getPolicy()).isEqualTo(API_IN);
    }

    @Test
    void labelsIdentitiesAndDeletesShowInTheWatch() {
        long from = revision() + 1;
        ipam.allocate(AllocateRequest.newBuilder().setNetwork("pol").setEndpoint("extra")
                .putAllLabels(Map.of("app", "web", "k8s.qnf.dev/namespace", "shop")).build());
        var labelled = ipam.label(LabelEndpointRequest.newBuilder().setNetwork("pol").setEndpoint("extra")
                .putSet("tier", "canary").addRemove("app").build());
        assertThat(labelled.getAllocation().getLabelsMap()).containsEntry("tier", "canary").doesNotContainKey("app");
        assertThat(policies.listIdentities(ListIdentitiesRequest.getDefaultInstance()).getIdentitiesList())
                .anySatisfy(i -> assertThat(i.getLabelsMap()).containsEntry("tier", "canary"));
        assertCode(() -> ipam.label(LabelEndpointRequest.newBuilder().setNetwork("pol").setEndpoint("ghost")
                .putSet("a", "b").build()), Status.Code.NOT_FOUND);

        Policy temp = Policy.newBuilder().setNamespace("shop").setName("temp").setSelector(app("db")).build();
        policies.apply(ApplyPoliciesRequest.newBuilder().addPolicies(temp).build());
        long deleted = policies.delete(DeletePolicyRequest.newBuilder().setNamespace("shop").setName("temp").build())
                .getRevision();

        List<Event> events = new ArrayList<>();
        Iterator<WatchResponse> watch = WatchGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
                .watch(WatchRequest.newBuilder().setFromRevision(from).build());
        while (watch.hasNext()) {
            WatchResponse w = watch.next();
            events.addAll(w.getEvents().getEventsList());
            if (w.getRevision() >= deleted) {
                break;
            }
        }
        assertThat(events).anySatisfy(e -> assertThat(e.getObject().getIdentity().getLabelsMap())
                .containsEntry("tier", "canary"));
        assertThat(events).anySatisfy(e -> assertThat(e.getObject().getPolicy()).isEqualTo(temp));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo(Event.Type.DELETE);
            assertThat(e.getKey()).isEqualTo("policy/shop/temp");
        });
    }

    static Status.Code catchCode(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    static StatusRuntimeException assertCode(Runnable call, Status.Code code) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            return e;
        }
        throw new AssertionError("expected " + code + ", the call succeeded");
    }
}
