package dev.qnf.api.pki;

import dev.qnf.fabric.InvalidInputException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The cluster CA: a self-signed EC P-256 certificate whose URI SAN is {@code spiffe://<cluster>} and its key. It
 * signs leaf certificates whose one URI SAN is the holder's SPIFFE ID; a user's role rides in the subject's O.
 * The key lives only in the servers' data directories (see {@link ClusterPki}); nothing here logs or returns it.
 */
public final class CertificateAuthority {
    public static final Duration DEFAULT_CA_LIFETIME = Duration.ofDays(3650);
    public static final Duration DEFAULT_LEAF_LIFETIME = Duration.ofHours(24);
    /** Leaves start a little in the past, so that a peer whose clock is slightly behind accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String trustDomain;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Clock clock;

    CertificateAuthority(String trustDomain, KeyPair keys, X509Certificate certificate, Clock clock) {
        this.trustDomain = trustDomain;
        this.keys = keys;
        this.certificate = certificate;
        this.clock = clock;
    }

    /** A new CA for the cluster {@code trustDomain}. */
    public static CertificateAuthority create(String trustDomain, Duration lifetime, Clock clock) {
        SpiffeId.checkTrustDomain(trustDomain);
        KeyPair keys = newKeyPair();
        Instant now = clock.instant();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "qnf")
                .addRDN(BCStyle.CN, "qnf cluster CA " + trustDomain + " " + now.getEpochSecond() + " "
                        + Long.toHexString(RANDOM.nextInt() & 0xffffffffL)).build();   // distinct even within a second
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(lifetime)), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain)));
            return new CertificateAuthority(trustDomain, keys, sign(b, keys), clock);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot create the cluster CA", e);
        }
    }

    /**
     * {@code other} (a newer CA of the same cluster) signed by this CA: the same subject, public key and CA
     * extensions, issued by this CA and valid no longer than either. A holder that trusts only this CA accepts a leaf
     * of {@code other} that carries it (leaf, cross-certificate, this CA as the anchor): the overlap of a rotation.
     */
    public X509Certificate crossSign(X509Certificate other) {
        Instant now = clock.instant();
        Instant notAfter = other.getNotAfter().toInstant();
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter),
                    X500Name.getInstance(other.getSubjectX500Principal().getEncoded()), other.getPublicKey())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(other.getPublicKey()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomainOf(other))));
            return sign(b, keys);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot cross-sign " + other.getSubjectX500Principal(), e);
        }
    }

    /** A CA from its stored certificate and key. */
    public static CertificateAuthority of(X509Certificate certificate, java.security.PrivateKey key, Clock clock) {
        String domain = trustDomainOf(certificate);
        return new CertificateAuthority(domain, new KeyPair(certificate.getPublicKey(), key), certificate, clock);
    }

    /** Whether {@code key} is the private key of {@code certificate} (a signature by one verifies with the other). */
    public static boolean keyMatches(X509Certificate certificate, java.security.PrivateKey key) {
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The cluster name from a CA certificate's {@code spiffe://<cluster>} URI SAN. */
    public static String trustDomainOf(X509Certificate ca) {
        return SpiffeId.uris(ca).stream().filter(u -> u.startsWith("spiffe://"))
                .map(u -> u.substring("spiffe://".length()).replaceAll("/$", "")).findFirst()
                .orElseThrow(() -> new InvalidInputException("not a QNF CA certificate (no spiffe:// URI SAN): "
                        + ca.getSubjectX500Principal()));
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 in this JVM", e);
        }
    }

    public String trustDomain() {
        return trustDomain;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    java.security.PrivateKey privateKey() {
        return keys.getPrivate();
    }

    /**
     * Signs a leaf certificate for {@code id} on {@code publicKey}.
     *
     * @param role  for users, the role carried in the subject's O; ignored (and derived from the kind) otherwise
     * @param hosts DNS names and IP addresses added as SANs (servers: so that curl and browsers can check the host)
     */
    public X509Certificate issue(SpiffeId id, PublicKey publicKey, Role role, List<String> hosts, Duration lifetime) {
        if (!id.trustDomain().equals(trustDomain)) {
            throw new InvalidInputException(id + " is not in this CA's cluster " + trustDomain);
        }
        Role effective = roleFor(id.kind(), role);
        Instant now = clock.instant();
        Instant notAfter = now.plus(lifetime);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();   // never outlive the CA
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, effective.label())
                .addRDN(BCStyle.CN, id.name()).build();
        List<GeneralName> sans = new ArrayList<>();
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString()));
        for (String host : hosts) {
            sans.add(isIp(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            return sign(b, keys);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + id, e);
        }
    }

    /** Signs a certificate for {@code id} on the key of a PKCS#10 request, after checking the request's signature. */
    public X509Certificate issue(SpiffeId id, PKCS10CertificationRequest csr, Role role, List<String> hosts,
                                 Duration lifetime) {
        return issue(id, requestedKey(csr), role, hosts, lifetime);
    }

    /**
     * The public key of a PKCS#10 request whose signature verifies (its holder has the private key); nothing else
     * of the request is used: the identity always comes from whoever asks to issue.
     */
    public static PublicKey requestedKey(PKCS10CertificationRequest csr) {
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(jca.getPublicKey()))) {
                throw new InvalidInputException("the certificate request's signature does not verify");
            }
            return jca.getPublicKey();
        } catch (GeneralSecurityException | OperatorCreationException | org.bouncycastle.pkcs.PKCSException
                 | RuntimeException e) {
            if (e instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException("unusable certificate request: " + e.getMessage());
        }
    }

    /** When a leaf was issued: its notBefore without the backdating (a leaf shorter than that: its notBefore). */
    public static Instant issuedAt(X509Certificate leaf) {
        Instant from = leaf.getNotBefore().toInstant();
        Instant backdated = from.plus(BACKDATE);
        return backdated.isBefore(leaf.getNotAfter().toInstant()) ? backdated : from;
    }

    /** How long a leaf was issued for, from {@link #issuedAt} to its notAfter. */
    public static Duration lifetimeOf(X509Certificate leaf) {
        return Duration.between(issuedAt(leaf), leaf.getNotAfter().toInstant());
    }

    /**
     * Half-way through a leaf's issued lifetime: when its holder renews it (servers, nodes, {@code qnf dev}). Counted
     * from the issue time, not the backdated notBefore, so that a short-lived leaf is not due at once.
     */
    public static Instant halfLife(X509Certificate leaf) {
        return issuedAt(leaf).plus(lifetimeOf(leaf).dividedBy(2));
    }

    /** The DNS names and IP addresses among a certificate's SANs (a server's host names). */
    public static List<String> hostsOf(X509Certificate cert) {
        try {
            var sans = cert.getSubjectAlternativeNames();
            List<String> hosts = new ArrayList<>();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
                        hosts.add((String) san.get(1));
                    }
                }
            }
            return hosts;
        } catch (java.security.cert.CertificateParsingException e) {
            throw new InvalidInputException("unreadable subject alternative names: " + e.getMessage());
        }
    }

    /** The role a certificate of this kind stands for. */
    static Role roleFor(SpiffeId.Kind kind, Role userRole) {
        return switch (kind) {
            case SERVER -> Role.SERVER;
            case NODE -> Role.NODE;
            case USER -> {
                if (userRole == null || !userRole.userRole()) {
                    throw new InvalidInputException("a user certificate needs the role admin, operator or viewer");
                }
                yield userRole;
            }
        };
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static boolean isIp(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
