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

    private final Path dir;
    private final CertificateAuthority ca;
    private final List<X509Certificate> bundle;

    private ClusterPki(Path dir, CertificateAuthority ca, List<X509Certificate> bundle) {
        this.dir = dir;
        this.ca = ca;
        this.bundle = List.copyOf(bundle);
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
        return new ClusterPki(dir, ca, bundle);
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

    /** Loads the CA; an encrypted key needs its passphrase, else (or with a wrong one) {@link CaKeyException}. */
    public static ClusterPki load(Path dir, Clock clock, CaPassphrase passphrase) {
        X509Certificate cert = Pem.readCertificates(dir.resolve(CA_CERT)).get(0);
        CertificateAuthority ca = CertificateAuthority.of(cert, Pem.readPrivateKey(dir.resolve(CA_KEY), passphrase),
                clock);
        Path bundleFile = dir.resolve(TlsFiles.BUNDLE);
        List<X509Certificate> bundle = Files.isRegularFile(bundleFile) ? Pem.readCertificates(bundleFile) : List.of(cert);
        return new ClusterPki(dir, ca, bundle);
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

    /** This CA signing with a different clock (tests: certificates that are already expired). */
    public ClusterPki withClock(Clock clock) {
        return new ClusterPki(dir, CertificateAuthority.of(ca.certificate(), ca.privateKey(), clock), bundle);
    }

    /**
     * Copies the CA (certificate, key, bundle) into another directory, e.g. a server's data dir: every server holds
     * the CA so that any of them can issue.
     */
    public ClusterPki copyTo(Path other) {
        Pem.writePrivateKey(other.resolve(CA_KEY), ca.privateKey());
        Pem.writeCertificates(other.resolve(CA_CERT), List.of(ca.certificate()));
        Pem.writeCertificates(other.resolve(TlsFiles.BUNDLE), bundle);
        return new ClusterPki(other, ca, bundle);
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
        return new ClusterPki(dir, ca, merged);
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
        return new Identity(keys.getPrivate(), List.of(cert), bundle);
    }
}
