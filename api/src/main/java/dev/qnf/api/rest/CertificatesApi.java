package dev.qnf.api.rest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Post;
import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.json.RenewRequest;
import dev.qnf.api.json.RenewedCertificate;
import dev.qnf.api.pki.Pem;
import dev.qnf.api.service.CertificateRenewal;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/certificates/renew}: the caller's own certificate renewed, for every role
 * ({@link dev.qnf.api.auth.Permission#RENEW}). The identity is the one of the certificate the caller presented.
 */
public final class CertificatesApi {
    private final CertificateRenewal renewal;

    public CertificatesApi(CertificateRenewal renewal) {
        this.renewal = renewal;
    }

    /** 200 with the certificate; 400 bad request, 401 expired, 403 revoked, 409 this server holds no CA key. */
    @Post("/v1/certificates/renew")
    public CompletableFuture<HttpResponse> renew(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        RenewRequest r = RestBodies.read(req, RenewRequest.class);
        return renewal.renew(presented(ctx), r.csr()).thenApply(renewed -> RestBodies.ok(new RenewedCertificate(
                Pem.encodeCertificates(renewed.chain()), Pem.encodeCertificates(renewed.bundle()),
                renewed.id().toString(), renewed.certificate().getNotAfter().toInstant().toString())));
    }

    /** The leaf certificate the TLS handshake verified. */
    private static X509Certificate presented(ServiceRequestContext ctx) {
        SSLSession session = ctx.sslSession();
        try {
            if (session != null && session.getPeerCertificates().length > 0) {
                return (X509Certificate) session.getPeerCertificates()[0];
            }
        } catch (SSLPeerUnverifiedException e) {
            // below
        }
        throw new ApiException(ApiCode.UNAUTHENTICATED, "renewal needs the client certificate to renew (mTLS)");
    }
}
