package dev.qnf.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.common.util.SafeCloseable;
import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.json.Json;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.SpiffeId;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Like Kubernetes' NodeRestriction: a caller with the node role may write only its own node record
 * ({@code /v1/nodes/<its name>}) and its own endpoints (an allocation whose {@code node} is its name; release and
 * labels of an endpoint the state says is on it). Runs after {@link RestAuthDecorator} (which already let only
 * node-scoped writes through for nodes); every other caller passes untouched. Over gRPC nodes may not write at all
 * (see {@link Authorizer}), so this is the one place the rule lives.
 */
public final class NodeRestriction implements DecoratingHttpServiceFunction {
    /** Which node an endpoint is on, from the replicated state (empty: no such endpoint). */
    public interface EndpointOwners {
        CompletableFuture<Optional<String>> nodeOf(String network, String endpoint);
    }

    private final EndpointOwners owners;

    public NodeRestriction(EndpointOwners owners) {
        this.owners = owners;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        Caller caller = ctx.attr(Caller.KEY);
        if (caller == null || !caller.roles().contains(Role.NODE.label()) || req.method().name().equals("GET")) {
            return delegate.serve(ctx, req);
        }
        String self = nodeName(caller);
        String route = ctx.config().route().patternString();
        if (route.equals("/v1/certificates/renew")) {
            return delegate.serve(ctx, req);   // its own by construction: the identity is the caller's certificate's
        }
        if (route.startsWith("/v1/nodes/")) {
            require(self.equals(ctx.pathParam("name")), self, "node " + ctx.pathParam("name"));
            return delegate.serve(ctx, req);
        }
        if (route.equals("/v1/networks/:name/allocations")) {
            return HttpResponse.of(req.aggregate().thenApply(body -> {
                require(self.equals(nodeInBody(body)), self, "an allocation for another node (set \"node\": \""
                        + self + "\")");
                return forward(delegate, ctx, body.toHttpRequest());
            }));
        }
        String endpoint = ctx.pathParam("endpoint");
        if (endpoint != null) {
            return HttpResponse.of(owners.nodeOf(ctx.pathParam("name"), endpoint).thenApply(owner -> {
                // a missing endpoint is left to the handler (release is idempotent, labels answer 404)
                owner.ifPresent(node -> require(self.equals(node), self, "endpoint " + endpoint + " of node " + node));
                return forward(delegate, ctx, req);
            }));
        }
        throw new ApiException(ApiCode.PERMISSION_DENIED, caller.principal() + " may not " + req.method() + " " + route);
    }

    private static String nodeName(Caller caller) {
        try {
            return SpiffeId.parse(caller.principal()).name();
        } catch (RuntimeException e) {
            throw new ApiException(ApiCode.PERMISSION_DENIED, "a node caller needs a node SPIFFE ID");
        }
    }

    private static String nodeInBody(AggregatedHttpRequest body) {
        try {
            JsonNode doc = Json.lenient().readTree(body.content().array());
            JsonNode node = doc == null ? null : doc.get("node");
            return node == null || !node.isTextual() ? null : node.asText();
        } catch (IOException e) {
            return null;   // not JSON: refused here as "not its own", the handler never sees it
        }
    }

    private static void require(boolean own, String self, String what) {
        if (!own) {
            throw new ApiException(ApiCode.PERMISSION_DENIED, "node " + self + " may not write " + what
                    + ": a node writes only its own node record and endpoints");
        }
    }

    private static HttpResponse forward(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) {
        // continues on a future's thread: push the request context so the handler (and the audit) see the caller
        try (SafeCloseable ignored = ctx.push()) {
            return delegate.serve(ctx, req);
        } catch (Exception e) {
            return HttpResponse.ofFailure(e);
        }
    }
}
