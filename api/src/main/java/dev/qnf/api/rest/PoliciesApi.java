package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.json.Deleted;
import dev.qnf.api.json.IdentityList;
import dev.qnf.api.json.LabelRequest;
import dev.qnf.api.json.PolicyApplied;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.json.PolicyList;
import dev.qnf.api.policy.PolicyViews;
import dev.qnf.api.service.FabricService;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.model.Policy;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /v1/policies}, {@code /v1/policy/explain}, {@code /v1/identities} and endpoint labels. */
public final class PoliciesApi {
    private final FabricService fabric;

    public PoliciesApi(FabricService fabric) {
        this.fabric = fabric;
    }

    /** A policy file: 201 when a policy was created, 200 otherwise, 409 FAILED_PRECONDITION when a test fails. */
    @Post("/v1/policies")
    public CompletableFuture<HttpResponse> apply(AggregatedHttpRequest req) {
        ApplyPolicies command = PolicyViews.toCommand(RestBodies.read(req, PolicyFile.class));
        return fabric.applyPolicies(command).thenApply(a -> RestBodies.written(a.created(), new PolicyApplied(
                a.value().policies().stream().map(Policy::ref).toList(), a.value().tests().size(), a.revision())));
    }

    @Get("/v1/policies")
    public CompletableFuture<HttpResponse> list(@Param("namespace") @Default("") String namespace,
                                                @Param("stale") @Default("false") boolean stale) {
        return fabric.policies(namespace.isEmpty() ? null : namespace, stale).thenApply(v -> RestBodies.ok(
                new PolicyList(v.value().policies().stream().map(p -> PolicyViews.view(p, null)).toList(),
                        PolicyViews.defaults(v.value().defaults()), v.revision())));
    }

    @Get("/v1/policies/{namespace}/{name}")
    public CompletableFuture<HttpResponse> get(@Param("namespace") String namespace, @Param("name") String name,
                                               @Param("stale") @Default("false") boolean stale) {
        return fabric.policy(namespace, name, stale)
                .thenApply(v -> RestBodies.ok(PolicyViews.view(v.value(), v.revision())));
    }

    @Delete("/v1/policies/{namespace}/{name}")
    public CompletableFuture<HttpResponse> delete(@Param("namespace") String namespace, @Param("name") String name) {
        return fabric.deletePolicy(namespace, name).thenApply(a -> RestBodies.ok(new Deleted(a.revision())));
    }

    /** {@code ?from=&to=&port=&proto=}: the verdict and the rules that decided it. */
    @Get("/v1/policy/explain")
    public CompletableFuture<HttpResponse> explain(@Param("from") @Default("") String from,
                                                   @Param("to") @Default("") String to,
                                                   @Param("proto") @Default("") String proto,
                                                   @Param("port") @Default("") String port,
                                                   @Param("stale") @Default("false") boolean stale) {
        return fabric.explain(from, to, proto, port(port), stale)
                .thenApply(v -> RestBodies.ok(Views.explain(v.value(), v.revision())));
    }

    @Get("/v1/identities")
    public CompletableFuture<HttpResponse> identities(@Param("stale") @Default("false") boolean stale) {
        return fabric.identities(stale).thenApply(v -> RestBodies.ok(new IdentityList(
                v.value().stream().map(PolicyViews::view).toList(), v.revision())));
    }

    @Post("/v1/networks/{name}/allocations/{endpoint}/labels")
    public CompletableFuture<HttpResponse> label(@Param("name") String network, @Param("endpoint") String endpoint,
                                                 AggregatedHttpRequest req) {
        LabelRequest r = RestBodies.read(req, LabelRequest.class);
        return fabric.labelEndpoint(network, endpoint, r.set(), r.remove() == null ? List.of() : r.remove())
                .thenApply(a -> RestBodies.ok(Views.allocation(a.value(), a.revision())));
    }

    private static Integer port(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("port '" + text + "' is not a number");
        }
    }
}
