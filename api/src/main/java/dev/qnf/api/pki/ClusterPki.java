package dev.qnf.api.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster CA kept in a directory: {@code ca.pem}, {@code ca.key} (0600; encrypted PKCS#8 when a
 * {@link CaPassphrase} is given, see docs/security.md) and {@code bundle.pem} (every CA the cluster trusts; more
 * than one during a rotation). Issues identities into {@link TlsFiles} directories in one
 * call, which is what {@code qnf dev}, the chaos harness and tests use:
 * <pre>{@code
 * ClusterPki pki = ClusterPki.create(dir.resolve("ca"), "test.qnf");
 * TlsFiles server = pki.issueServer("s1", dir.resolve("s1"), List.of("127.0.0.1", "localhost"));
 * TlsFiles admin = pki.issueUser("admin", Role.ADMIN, dir.resolve("admin"));
 * }</pre>
 */
public final class ClusterPki {
    public static final String DEFAULT_TRUST_DOMAIN = "qnf.local";
    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca.key";
    /**
     * During a rotation's overlap: this CA cross-signed by the CA it replaced, attached to every leaf issued here so
     * that holders trusting only the old CA accept it (absent otherwise).
     */
    public static final String CA_CROSS = "cross.pem";
    /** The rotated CA's certificate while its key replaces the old one (see {@link #installRotated}). */
    static final String CA_NEXT = "ca-next.pem";

    private final Path dir;
    private final CertificateAuthority ca;
    private final List<X509Certificate> bundle;
    /** What follows every leaf issued here in its chain: the cross-certificate during a rotation, else nothing. */
    private final List<X509Certificate> intermediates;

    private ClusterPki(Path dir, CertificateAuthority ca, List<X509Certificate> bundle,
                       List<X509Certificate> intermediates) {
        this.dir = dir;
        this.ca = ca;
        this.bundle = List.copyOf(bundle);
        this.intermediates = List.copyOf(intermediates);
    }

    /** Creates a new CA in {@code dir} (which must not hold one yet). */
    public static ClusterPki create(Path dir, String trustDomain) {
        return create(dir, trustDomain, Clock.systemUTC());
    }

    public static ClusterPki create(Path dir, String trustDomain, Clock clock) {
        return create(dir, trustDomain, clock, CaPassphrase.none());
    }

    /** Creates a new CA whose key is encrypted under {@code passphrase} (plain 0600 without one). */
    public static ClusterPki create(Path dir, String trustDomain, Clock clock, CaPassphrase passphrase) {
        if (Files.exists(dir.resolve(CA_KEY))) {
            throw new IllegalStateException("a cluster CA already exists in " + dir);
        }
        CertificateAuthority ca = CertificateAuthority.create(trustDomain, CertificateAuthority.DEFAULT_CA_LIFETIME, clock);
        return install(dir, ca.certificate(), ca.privateKey(), List.of(ca.certificate()), passphrase, clock);
    }

    /**
     * Stores a CA received from another server (a server joining with a token): certificate, key (encrypted under
     * {@code passphrase} if present) and bundle. The key must belong to the certificate.
     */
    public static ClusterPki install(Path dir, X509Certificate caCert, java.security.PrivateKey key,
                                     List<X509Certificate> bundle, CaPassphrase passphrase, Clock clock) {
        CertificateAuthority ca = CertificateAuthority.of(caCert, key, clock);
        writeKey(dir.resolve(CA_KEY), key, passphrase);
        Pem.writeCertificates(dir.resolve(CA_CERT), List.of(caCert));
        Pem.writeCertificates(dir.resolve(TlsFiles.BUNDLE), bundle);
        return new ClusterPki(dir, ca, bundle, List.of());
    }

    /**
     * Installs the CA a rotation made (see {@link RotatedCa}): {@code crossSigned} (null once the old CA is retired)
     * first, then bundle, the new certificate as {@code ca-next.pem}, key and certificate, then {@code ca-next.pem}
     * goes. A reader between the writes sees a key that does not match the certificate (which {@link #load} refuses
     * and {@link CaCache} outlasts), never a wrong chain; a crash between the key and the certificate leaves
     * {@code ca-next.pem}, from which {@link #load} finishes the install.
     */
    public static ClusterPki installRotated(Path dir, X509Certificate caCert, java.security.PrivateKey key,
                                            X509Certificate crossSigned, List<X509Certificate> bundle,
                                            CaPassphrase passphrase, Clock clock) {
        CertificateAuthority ca = CertificateAuthority.of(caCert, key, clock);
        writeCross(dir, crossSigned);
        Pem.writeCertificates(dir.resolve(TlsFiles.BUNDLE), bundle);
        Pem.writeCertificates(dir.resolve(CA_NEXT), List.of(caCert));
        writeKey(dir.resolve(CA_KEY), key, passphrase);
        Pem.writeCertificates(dir.resolve(CA_CERT), List.of(caCert));
        deleteNext(dir);
        return new ClusterPki(dir, ca, bundle, crossSigned == null ? List.of() : List.of(crossSigned));
    }

    /** Rewrites bundle and cross-certificate (null: none) of the CA in {@code dir}, e.g. once the old CA retires. */
    public ClusterPki withTrust(List<X509Certificate> newBundle, X509Certificate crossSigned) {
        writeCross(dir, crossSigned);
        Pem.writeCertificates(dir.resolve(TlsFiles.BUNDLE), newBundle);
        return new ClusterPki(dir, ca, newBundle, crossSigned == null ? List.of() : List.of(crossSigned));
    }

    private static void deleteNext(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(CA_NEXT));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot delete " + dir.resolve(CA_NEXT), e);
        }
    }

    private static void writeCross(Path dir, X509Certificate crossSigned) {
        try {
            if (crossSigned == null) {
                Files.deleteIfExists(dir.resolve(CA_CROSS));
            } else {
                Pem.writeCertificates(dir.resolve(CA_CROSS), List.of(crossSigned));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot update " + dir.resolve(CA_CROSS), e);
        }
    }

    private static void writeKey(Path file, java.security.PrivateKey key, CaPassphrase passphrase) {
        if (passphrase.isPresent()) {
            Pem.writeEncryptedPrivateKey(file, key, passphrase);
        } else {
            Pem.writePrivateKey(file, key);
        }
    }

    /** Whether the CA key in {@code dir} is encrypted at rest. */
    public static boolean keyEncrypted(Path dir) {
        return Pem.isEncryptedPrivateKey(dir.resolve(CA_KEY));
    }

    /** Rewrites this CA's key encrypted under {@code passphrase} (a plain key from before a passphrase was set). */
    public void encryptKey(CaPassphrase passphrase) {
        writeKey(dir.resolve(CA_KEY), ca.privateKey(), passphrase);
    }

    /**
     * The CA key for handing to a server joining with a token, sealed under the token's secret (see
     * {@link CaKeyEnvelope}); the key is never returned in the clear.
     */
    public String sealKey(String tokenSecret, String context) {
        return CaKeyEnvelope.seal(ca.privateKey(), tokenSecret, context);
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(CA_KEY)) && Files.isRegularFile(dir.resolve(CA_CERT));
    }

    public static ClusterPki load(Path dir) {
        return load(dir, Clock.systemUTC());
    }

    public static ClusterPki load(Path dir, Clock clock) {
        return load(dir, clock, CaPassphrase.none());
    }

    /**
     * Loads the CA; an encrypted key needs its passphrase, else (or with a wrong one) {@link CaKeyException}. A key
     * that does not belong to the certificate (a rotation being installed this very moment) is an
     * {@link IllegalStateException}; a cross-certificate for another key is ignored.
     */
    public static ClusterPki load(Path dir, Clock clock, CaPassphrase passphrase) {
        X509Certificate held = Pem.readCertificates(dir.resolve(CA_CERT)).get(0);
        java.security.PrivateKey key = Pem.readPrivateKey(dir.resolve(CA_KEY), passphrase);
        X509Certificate cert = held;
        if (!CertificateAuthority.keyMatches(held, key)) {
            Path next = dir.resolve(CA_NEXT);
            X509Certificate rotated = Files.isRegularFile(next) ? Pem.readCertificates(next).get(0) : null;
            if (rotated == null || !CertificateAuthority.keyMatches(rotated, key)) {
                throw new IllegalStateException("the CA key in " + dir + " does not belong to its certificate "
                        + "(being rotated this moment? else copy the CA directory of another server here)");
            }
            // an install of a rotated CA stopped (or is) between key and certificate: finish it (idempotent)
            Pem.writeCertificates(dir.resolve(CA_CERT), List.of(rotated));
            deleteNext(dir);
            cert = rotated;
        }
        final X509Certificate ours = cert;
        CertificateAuthority ca = CertificateAuthority.of(cert, key, clock);
        Path bundleFile = dir.resolve(TlsFiles.BUNDLE);
        List<X509Certificate> bundle = Files.isRegularFile(bundleFile) ? Pem.readCertificates(bundleFile) : List.of(cert);
        Path crossFile = dir.resolve(CA_CROSS);
        List<X509Certificate> cross = Files.isRegularFile(crossFile) ? Pem.readCertificates(crossFile).stream()
                .filter(c -> c.getPublicKey().equals(ours.getPublicKey())).toList() : List.of();
        return new ClusterPki(dir, ca, bundle, cross);
    }

    public Path dir() {
        return dir;
    }

    public String trustDomain() {
        return ca.trustDomain();
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public List<X509Certificate> bundle() {
        return bundle;
    }

    /** What follows a leaf issued here in its chain: during a rotation the cross-certificate, else nothing. */
    public List<X509Certificate> intermediates() {
        return intermediates;
    }

    /** {@code leaf} followed by {@link #intermediates}: the chain a holder presents. */
    public List<X509Certificate> chain(X509Certificate leaf) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(intermediates);
        return chain;
    }

    /**
     * The key of the CA this one replaces, as a rotation sealed it under this CA's key (see
     * {@link CaKeyEnvelope#sealUnder}); {@link CaKeyException} if it was sealed under another key.
     */
    public java.security.PrivateKey openSealedUnderThisCa(String envelope, String context) {
        return CaKeyEnvelope.openUnder(envelope, ca.privateKey(), context);
    }

    /** This CA signing with a different clock (tests: certificates that are already expired). */
    public ClusterPki withClock(Clock clock) {
        return new ClusterPki(dir, CertificateAuthority.of(ca.certificate(), ca.privateKey(), clock), bundle,
                intermediates);
    }

    /**
     * Copies the CA (certificate, key, bundle) into another directory, e.g. a server's data dir: every server holds
     * the CA so that any of them can issue.
     */
    public ClusterPki copyTo(Path other) {
        Pem.writePrivateKey(other.resolve(CA_KEY), ca.privateKey());
        Pem.writeCertificates(other.resolve(CA_CERT), List.of(ca.certificate()));
        Pem.writeCertificates(other.resolve(TlsFiles.BUNDLE), bundle);
        writeCross(other, intermediates.isEmpty() ? null : intermediates.get(0));
        return new ClusterPki(other, ca, bundle, intermediates);
    }

    /** Trusts the CAs of {@code others} as well (rotation: the overlap during which both CAs are accepted). */
    public ClusterPki trusting(List<X509Certificate> others) {
        List<X509Certificate> merged = new ArrayList<>(bundle);
        for (X509Certificate c : others) {
            if (!merged.contains(c)) {
                merged.add(c);
            }
        }
        Pem.writeCertificates(dir.resolve(TlsFiles.BUNDLE), merged);
        return new ClusterPki(dir, ca, merged, intermediates);
    }

    public TlsFiles issueServer(String id, Path out, List<String> hosts) {
        return issue(SpiffeId.server(trustDomain(), id), null, hosts, CertificateAuthority.DEFAULT_LEAF_LIFETIME, out);
    }

    public TlsFiles issueNode(String name, Path out) {
        return issue(SpiffeId.node(trustDomain(), name), null, List.of(), CertificateAuthority.DEFAULT_LEAF_LIFETIME, out);
    }

    public TlsFiles issueUser(String name, Role role, Path out) {
        return issueUser(name, role, CertificateAuthority.DEFAULT_LEAF_LIFETIME, out);
    }

    public TlsFiles issueUser(String name, Role role, Duration lifetime, Path out) {
        return issue(SpiffeId.user(trustDomain(), name), role, List.of(), lifetime, out);
    }

    /** A fresh key pair and a certificate for {@code id}, written with this CA's bundle into {@code out}. */
    public TlsFiles issue(SpiffeId id, Role role, List<String> hosts, Duration lifetime, Path out) {
        TlsFiles files = TlsFiles.in(out);
        files.write(issue(id, role, hosts, lifetime));
        return files;
    }

    public Identity issue(SpiffeId id, Role role, List<String> hosts, Duration lifetime) {
        KeyPair keys = CertificateAuthority.newKeyPair();
        X509Certificate cert = ca.issue(id, keys.getPublic(), role, hosts, lifetime);
        return new Identity(keys.getPrivate(), chain(cert), bundle);
    }
}
