package dev.qnf.api.pki;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
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
    /** PBKDF2-HMAC-SHA256 iterations for an encrypted key (OWASP's 2023 figure); see {@link #writeEncryptedPrivateKey}. */
    static final int KDF_ITERATIONS = 600_000;
    /** BouncyCastle's own provider for PBES2 (the JDK's has no AES/CBC/PKCS7Padding); not registered globally. */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

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

    /** Whether {@code file} holds a passphrase-encrypted PKCS#8 key ({@code ENCRYPTED PRIVATE KEY}). */
    public static boolean isEncryptedPrivateKey(Path file) {
        return read(file).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    }

    /**
     * A private key from {@code file}, plain or encrypted PKCS#8. An encrypted one needs {@code passphrase}; a plain
     * one is read whether or not one is given (the caller decides whether that is acceptable).
     */
    public static PrivateKey readPrivateKey(Path file, CaPassphrase passphrase) {
        String pem = read(file);
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key in " + file + ": " + e.getMessage(), e);
        }
        if (!(o instanceof PKCS8EncryptedPrivateKeyInfo encrypted)) {
            return decodePrivateKey(pem);
        }
        if (!passphrase.isPresent()) {
            throw new CaKeyException("the key in " + file + " is encrypted: give its passphrase (qnf server "
                    + "--ca-passphrase-file FILE or QNF_CA_PASSPHRASE_FILE)");
        }
        char[] chars = passphrase.chars();
        try {
            InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(chars);
            return new JcaPEMKeyConverter().getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
        } catch (PKCSException | OperatorCreationException | IOException e) {
            // a wrong passphrase surfaces as a padding or decoding failure; the details say nothing useful
            throw new CaKeyException("the passphrase does not decrypt the key in " + file);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    /**
     * Writes a private key as encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256 with {@link #KDF_ITERATIONS} iterations
     * and a random salt, AES-256-CBC), owner-only: what {@code openssl pkey} reads too.
     */
    public static void writeEncryptedPrivateKey(Path file, PrivateKey key, CaPassphrase passphrase) {
        char[] chars = passphrase.chars();
        try {
            OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(BC).setPRF(PKCS8Generator.PRF_HMACSHA256).setIterationCount(KDF_ITERATIONS)
                    .setPassword(chars).build();
            writeAtomically(file, encode(new JcaPKCS8Generator(key, encryptor).generate()), "rw-------");
        } catch (OperatorCreationException | PemGenerationException e) {
            throw new IllegalStateException("cannot encrypt a private key", e);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
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
