package dev.qnf.api.pki;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM encoding of certificates and private keys; key files are written owner-only (0600). */
public final class Pem {
    private Pem() {
    }

    public static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static String encodeCertificates(List<X509Certificate> certs) {
        return encode(certs.toArray());
    }

    public static List<X509Certificate> decodeCertificates(String pem) {
        List<X509Certificate> certs = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certs.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate list: " + e.getMessage(), e);
        }
        return certs;
    }

    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certs = decodeCertificates(read(file));
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + file);
        }
        return certs;
    }

    /** A PEM PKCS#10 request ({@code CERTIFICATE REQUEST}); anything else is invalid input. */
    public static org.bouncycastle.pkcs.PKCS10CertificationRequest decodeCertificateRequest(String pem) {
        try (PEMParser p = new PEMParser(new StringReader(pem == null ? "" : pem))) {
            Object o = p.readObject();
            if (o instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest csr) {
                return csr;
            }
        } catch (IOException | RuntimeException e) {
            throw new dev.qnf.fabric.InvalidInputException("not a PEM certificate request: " + e.getMessage());
        }
        throw new dev.qnf.fabric.InvalidInputException("no PEM CERTIFICATE REQUEST in the input");
    }

    /** A PEM PKCS#10 request signed by {@code keys} (the subject is a placeholder: the CA never reads it). */
    public static String certificateRequest(java.security.KeyPair keys) {
        try {
            var csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                    new javax.security.auth.x500.X500Principal("CN=qnf-join"), keys.getPublic())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                            .build(keys.getPrivate()));
            return encode(csr);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request", e);
        }
    }

    public static PrivateKey decodePrivateKey(String pem) {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException("no private key in PEM input");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivateKey(Path file) {
        return decodePrivateKey(read(file));
    }

    public static void writeCertificates(Path file, List<X509Certificate> certs) {
        writeAtomically(file, encodeCertificates(certs), "rw-r--r--");
    }

    /** Writes a private key as PKCS#8, readable by its owner only. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        try {
            writeAtomically(file, encode(new JcaPKCS8Generator(key, null).generate()), "rw-------");
        } catch (PemGenerationException e) {
            throw new IllegalStateException("cannot encode a private key", e);
        }
    }

    /** Write to a temp file with the final permissions, then rename: readers never see half a file or a 0644 key. */
    static void writeAtomically(Path file, String text, String permissions) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
