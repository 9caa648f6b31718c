package dev.qnf.api.pki;

import dev.qnf.fabric.InvalidInputException;

import javax.security.auth.x500.X500Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A holder's TLS identity: its key, its certificate (chain, leaf first) and the trust bundle of cluster CAs it
 * accepts (more than one during a CA rotation).
 */
public record Identity(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> bundle) {
    public Identity {
        chain = List.copyOf(chain);
        bundle = List.copyOf(bundle);
        if (chain.isEmpty() || bundle.isEmpty()) {
            throw new InvalidInputException("an identity needs a certificate and a trust bundle");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public SpiffeId spiffeId() {
        return SpiffeId.of(certificate());
    }

    public Role role() {
        return roleOf(certificate());
    }

    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /** The cluster name, from the first CA of the bundle. */
    public String trustDomain() {
        return CertificateAuthority.trustDomainOf(bundle.get(0));
    }

    /** The role a leaf certificate stands for: from the SPIFFE kind, or for users from the subject's O. */
    public static Role roleOf(X509Certificate leaf) {
        SpiffeId id = SpiffeId.of(leaf);
        if (id.kind() != SpiffeId.Kind.USER) {
            return CertificateAuthority.roleFor(id.kind(), null);
        }
        String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String rdn : dn.split(",")) {
            if (rdn.startsWith("O=")) {
                return CertificateAuthority.roleFor(id.kind(), Role.parse(rdn.substring(2)));
            }
        }
        throw new InvalidInputException("user certificate " + id + " names no role (subject O)");
    }
}
