package dev.qnf.api.grpc;

import dev.qnf.api.policy.PolicyViews;
import dev.qnf.api.rest.Views;
import dev.qnf.api.service.FabricService;
import dev.qnf.api.v1.ApplyPoliciesRequest;
import dev.qnf.api.v1.ApplyPoliciesResponse;
import dev.qnf.api.v1.DeletePolicyRequest;
import dev.qnf.api.v1.DeleteResponse;
import dev.qnf.api.v1.ExplainRequest;
import dev.qnf.api.v1.ExplainResponse;
import dev.qnf.api.v1.GetPolicyRequest;
import dev.qnf.api.v1.ListIdentitiesRequest;
import dev.qnf.api.v1.ListIdentitiesResponse;
import dev.qnf.api.v1.ListPoliciesRequest;
import dev.qnf.api.v1.ListPoliciesResponse;
import dev.qnf.api.v1.PoliciesGrpc;
import dev.qnf.api.v1.PolicyResponse;
import dev.qnf.fabric.model.Policy;
import io.grpc.stub.StreamObserver;

/** {@code qnf.v1.Policies}: what {@code /v1/policies}, {@code /v1/policy/explain} and {@code /v1/identities} do. */
public final class PoliciesEndpoint extends PoliciesGrpc.PoliciesImplBase {
    private final FabricService fabric;

    public PoliciesEndpoint(FabricService fabric) {
        this.fabric = fabric;
    }

    @Override
    public void apply(ApplyPoliciesRequest r, StreamObserver<ApplyPoliciesResponse> out) {
        Calls.unary(out, () -> fabric.applyPolicies(PolicyViews.toCommand(PolicyProtos.file(r))),
                a -> ApplyPoliciesResponse.newBuilder()
                        .addAllPolicies(a.value().policies().stream().map(Policy::ref).toList())
                        .setTestsPassed(a.value().tests().size()).setRevision(a.revision()).setCreated(a.created())
                        .build());
    }

    @Override
    public void get(GetPolicyRequest r, StreamObserver<PolicyResponse> out) {
        Calls.unary(out, () -> fabric.policy(r.getNamespace(), r.getName(), r.getStale()),
                v -> PolicyResponse.newBuilder().setPolicy(PolicyProtos.policy(PolicyViews.view(v.value(), null)))
                        .setRevision(v.revision()).build());
    }

    @Override
    public void list(ListPoliciesRequest r, StreamObserver<ListPoliciesResponse> out) {
        Calls.unary(out, () -> fabric.policies(r.hasNamespace() ? r.getNamespace() : null, r.getStale()),
                v -> ListPoliciesResponse.newBuilder()
                        .addAllPolicies(v.value().policies().stream()
                                .map(p -> PolicyProtos.policy(PolicyViews.view(p, null))).toList())
                        .putAllDefaults(PolicyViews.defaults(v.value().defaults())).setRevision(v.revision()).build());
    }

    @Override
    public void delete(DeletePolicyRequest r, StreamObserver<DeleteResponse> out) {
        Calls.unary(out, () -> fabric.deletePolicy(r.getNamespace(), r.getName()),
                a -> DeleteResponse.newBuilder().setRevision(a.revision()).build());
    }

    @Override
    public void explain(ExplainRequest r, StreamObserver<ExplainResponse> out) {
        Calls.unary(out, () -> fabric.explain(r.getFrom(), r.getTo(), r.hasProto() ? r.getProto() : "",
                        r.hasPort() ? r.getPort() : null, r.getStale()),
                v -> PolicyProtos.explain(Views.explain(v.value(), v.revision())));
    }

    @Override
    public void listIdentities(ListIdentitiesRequest r, StreamObserver<ListIdentitiesResponse> out) {
        Calls.unary(out, () -> fabric.identities(r.getStale()),
                v -> ListIdentitiesResponse.newBuilder().setRevision(v.revision())
                        .addAllIdentities(v.value().stream().map(i -> PolicyProtos.identity(PolicyViews.view(i)))
                                .toList()).build());
    }
}
