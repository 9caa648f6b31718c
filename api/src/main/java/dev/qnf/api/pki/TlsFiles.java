package dev.qnf.api.pki;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an identity lives on disk: {@code bundle.pem} (the trusted cluster CAs), {@code cert.pem} (the leaf) and
 * {@code key.pem} (its private key, 0600). Whoever renews a certificate rewrites these files atomically; every TLS
 * user of them ({@link ReloadingIdentity}) picks the new ones up on the next handshake.
 */
public record TlsFiles(Path bundle, Path cert, Path key) {
    public static final String BUNDLE = "bundle.pem";
    public static final String CERT = "cert.pem";
    public static final String KEY = "key.pem";

    /** The three files in one directory. */
    public static TlsFiles in(Path dir) {
        return new TlsFiles(dir.resolve(BUNDLE), dir.resolve(CERT), dir.resolve(KEY));
    }

    public boolean exist() {
        return Files.isRegularFile(bundle) && Files.isRegularFile(cert) && Files.isRegularFile(key);
    }

    /**
     * Reads the three files. Throws if the key does not match the certificate, which is what a reader sees in the
     * moment between a renewal's key write and its certificate write.
     */
    public Identity load() {
        Identity identity = new Identity(Pem.readPrivateKey(key), Pem.readCertificates(cert),
                Pem.readCertificates(bundle));
        if (!matches(identity)) {
            throw new IllegalStateException(key + " does not belong to " + cert + " (being renewed?)");
        }
        return identity;
    }

    private static boolean matches(Identity identity) {
        return CertificateAuthority.keyMatches(identity.certificate(), identity.key());
    }

    /** Writes the key first and the certificate last, each atomically. */
    public void write(Identity identity) {
        Pem.writePrivateKey(key, identity.key());
        Pem.writeCertificates(bundle, identity.bundle());
        Pem.writeCertificates(cert, identity.chain());
    }
}
