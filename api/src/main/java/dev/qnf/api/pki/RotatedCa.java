package dev.qnf.api.pki;

import dev.qnf.fabric.model.CaRotation;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/**
 * A CA rotation as the servers read it from the replicated state ({@link CaRotation}, which keeps it as opaque PEM):
 * the new CA that signs ({@code signer}), the old one it replaces ({@code previous}) and the cross-certificate
 * (the signer's key and name, signed by the previous CA) that leaves carry during the overlap. Also where a
 * rotation is made: {@link #prepare}.
 */
public record RotatedCa(X509Certificate signer, X509Certificate crossSigned, X509Certificate previous,
                        CaRotation state) {

    /** The context a new CA's key is sealed in: its own pin, so the envelope opens only as that CA's key. */
    static String context(String signerPin) {
        return "rotation signer=" + signerPin;
    }

    /**
     * A rotation away from {@code current}'s CA at the clock's now: a new CA of the same cluster and lifetime policy,
     * cross-signed by the current one, its key sealed under the current CA key.
     */
    public static RotatedCa prepare(ClusterPki current, Clock clock) {
        CertificateAuthority next = CertificateAuthority.create(current.trustDomain(),
                CertificateAuthority.DEFAULT_CA_LIFETIME, clock);
        X509Certificate previous = current.ca().certificate();
        X509Certificate cross = current.withClock(clock).ca().crossSign(next.certificate());
        String signerPin = CaPin.of(next.certificate());
        String sealed = CaKeyEnvelope.sealUnder(next.privateKey(), current.ca().privateKey(), context(signerPin));
        CaRotation state = new CaRotation(Pem.encodeCertificates(List.of(next.certificate())),
                Pem.encodeCertificates(List.of(cross)), Pem.encodeCertificates(List.of(previous)), sealed, signerPin,
                CaPin.of(previous), clock.millis(), 0);
        return new RotatedCa(next.certificate(), cross, previous, state);
    }

    /**
     * Decodes the state's record and checks that it holds together: the cross-certificate carries the signer's key
     * and name and verifies with the previous CA's key, and each pin is its CA's. Throws
     * {@link IllegalStateException} otherwise (a server then keeps its current CA and trust).
     */
    public static RotatedCa of(CaRotation state) {
        X509Certificate signer = one(state.signer(), "signer");
        X509Certificate cross = one(state.crossSigned(), "cross-certificate");
        X509Certificate previous = one(state.previous(), "previous CA");
        if (!CaPin.of(signer).equals(state.signerPin()) || !CaPin.of(previous).equals(state.previousPin())) {
            throw new IllegalStateException("the CA rotation's pins do not match its certificates");
        }
        if (!cross.getPublicKey().equals(signer.getPublicKey())
                || !cross.getSubjectX500Principal().equals(signer.getSubjectX500Principal())) {
            throw new IllegalStateException("the CA rotation's cross-certificate is not for its new CA");
        }
        try {
            cross.verify(previous.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the CA rotation's cross-certificate is not signed by the previous CA", e);
        }
        return new RotatedCa(signer, cross, previous, state);
    }

    private static X509Certificate one(String pem, String what) {
        List<X509Certificate> certs;
        try {
            certs = Pem.decodeCertificates(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the CA rotation's " + what + " is not a PEM certificate", e);
        }
        if (certs.size() != 1) {
            throw new IllegalStateException("the CA rotation's " + what + " is not one certificate");
        }
        return certs.get(0);
    }

    public boolean retired() {
        return state.retired();
    }

    /** What every holder trusts: previous and signer during the overlap, the signer alone once retired. */
    public List<X509Certificate> bundle() {
        return retired() ? List.of(signer) : List.of(previous, signer);
    }

    /** The cross-certificate leaves carry during the overlap; null once the old CA is retired. */
    public X509Certificate attached() {
        return retired() ? null : crossSigned;
    }

    /**
     * Whether a holder that trusts {@code trusted} may take this rotation's word: it trusts the previous CA (which
     * vouches for the signer through the cross-certificate) or the signer already. A record naming CAs this holder
     * never trusted is not followed, whoever managed to write it.
     */
    public boolean vouchedForBy(List<X509Certificate> trusted) {
        return trusted.contains(previous) || trusted.contains(signer);
    }

    /** The signer's private key, opened with the previous CA's key that {@code holder} has. */
    public PrivateKey openKey(ClusterPki holder) {
        return holder.openSealedUnderThisCa(state.sealedKey(), context(state.signerPin()));
    }
}
