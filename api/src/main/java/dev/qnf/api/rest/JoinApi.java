package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.json.BundleView;
import dev.qnf.api.json.JoinRequest;
import dev.qnf.api.json.JoinResponse;
import dev.qnf.api.pki.Pem;
import dev.qnf.api.service.JoinExchange;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The join port's only routes, reachable without a client certificate: the token is the credential. Served on a
 * port of its own so that the API port keeps refusing every cert-less handshake.
 */
public final class JoinApi {
    private final JoinExchange exchange;
    private final Supplier<List<X509Certificate>> bundle;
    private final String apiUrl;

    /** {@code apiUrl}: this server's API as it announces it (for joining servers). */
    public JoinApi(JoinExchange exchange, Supplier<List<X509Certificate>> bundle, String apiUrl) {
        this.exchange = exchange;
        this.bundle = bundle;
        this.apiUrl = apiUrl;
    }

    @Get("/v1/join/bundle")
    public HttpResponse bundle() {
        return RestBodies.ok(new BundleView(Pem.encodeCertificates(bundle.get()), apiUrl));
    }

    /**
     * 201 with the certificate, the token's site (and for a server token the sealed CA key); 404 unknown token or
     * wrong secret, 409 expired, used up or of another role than asked for, 400 bad input or a site other than the
     * token's.
     */
    @Post("/v1/join")
    public CompletableFuture<HttpResponse> join(AggregatedHttpRequest req) {
        JoinRequest r = RestBodies.read(req, JoinRequest.class);
        return exchange.join(r.token(), r.name(), r.csr(), JoinExchange.askedRole(r.role()), r.site()).thenApply(j ->
                RestBodies.written(true, new JoinResponse(Pem.encodeCertificates(j.chain()),
                        Pem.encodeCertificates(j.bundle()), j.id().toString(), j.token().site(), j.caKey())));
    }
}
