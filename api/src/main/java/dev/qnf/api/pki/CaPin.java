package dev.qnf.api.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * A CA pin as kubeadm's {@code --discovery-token-ca-cert-hash}: {@code sha256:} and the hex SHA-256 of the CA
 * certificate's SubjectPublicKeyInfo. A joiner that has only a token and this pin can check the server it talks
 * to without being given a trust bundle first.
 */
public final class CaPin {
    private CaPin() {
    }

    public static String of(X509Certificate ca) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(ca.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The pin of the CA in {@code identity}'s bundle that issued its own certificate. */
    public static String issuerOf(Identity identity) {
        X509Certificate leaf = identity.certificate();
        return identity.bundle().stream()
                .filter(ca -> ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal()))
                .findFirst().map(CaPin::of)
                .orElseThrow(() -> new IllegalStateException("no CA of the bundle issued this server's certificate"));
    }
}
