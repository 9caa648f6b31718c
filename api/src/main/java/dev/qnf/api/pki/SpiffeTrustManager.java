package dev.qnf.api.pki;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Accepts a peer whose certificate chains to a CA of the current trust bundle (PKIX: signatures, validity dates,
 * CA constraints) and whose SPIFFE ID is in the bundle's cluster and of an accepted kind. Host names are not
 * checked: a QNF peer is who its SPIFFE ID says (this is an {@link X509ExtendedTrustManager}, so JSSE does not add
 * its own host-name check either).
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {
    private final Supplier<Identity> identity;
    private final Set<SpiffeId.Kind> acceptedPeers;

    public SpiffeTrustManager(Supplier<Identity> identity, Set<SpiffeId.Kind> acceptedPeers) {
        this.identity = identity;
        this.acceptedPeers = Set.copyOf(acceptedPeers);
    }

    /** Validates a peer chain against {@code bundle}; returns its SPIFFE ID. */
    public static SpiffeId verify(X509Certificate[] chain, List<X509Certificate> bundle,
                                  Set<SpiffeId.Kind> acceptedPeers) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no peer certificate");
        }
        validateSomePrefix(chain, bundle);
        SpiffeId id;
        try {
            id = SpiffeId.of(chain[0]);
        } catch (RuntimeException e) {
            throw new CertificateException(e.getMessage(), e);
        }
        String domain = CertificateAuthority.trustDomainOf(bundle.get(0));
        if (!id.trustDomain().equals(domain)) {
            throw new CertificateException(id + " is not in cluster " + domain);
        }
        if (!acceptedPeers.contains(id.kind())) {
            throw new CertificateException(id + " is not a " + acceptedPeers + " identity");
        }
        return id;
    }

    /**
     * PKIX-validates the whole chain, else ever shorter prefixes of it, down to the leaf alone: accepted if any
     * validates to a CA of the bundle. During a CA rotation leaves carry [leaf, new CA cross-signed by the old]: a
     * holder that trusts only the old CA validates the whole chain; one that already trusts only the new CA (the
     * old retired) validates the leaf alone, the cross-certificate being issued by a CA it no longer trusts.
     */
    private static void validateSomePrefix(X509Certificate[] chain, List<X509Certificate> bundle)
            throws CertificateException {
        GeneralSecurityException first = null;
        try {
            Set<TrustAnchor> anchors = bundle.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet());
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);   // revocation is QNF's replicated revocation list, checked per request
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            for (int length = chain.length; length >= 1; length--) {
                try {
                    validator.validate(factory.generateCertPath(List.of(chain).subList(0, length)), params);
                    return;
                } catch (java.security.cert.CertPathValidatorException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            first = e;
        }
        throw new CertificateException("peer certificate " + chain[0].getSubjectX500Principal()
                + " is not valid for this cluster: " + first.getMessage(), first);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        verify(chain, identity.get().bundle(), acceptedPeers);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return identity.get().bundle().toArray(X509Certificate[]::new);
    }
}
