package dev.qnf.api.pki;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The cluster CA key as a server hands it to a server joining with a server-role token (k3s and rke2 hand their
 * joining servers the cluster CA keys the same way, encrypted with a key derived from the token). The join port's
 * TLS already carries it only to a joiner that checked the CA pin; this second layer means that a response read by
 * anyone without the token's secret (a joiner that trusted the wrong certificate, a TLS-terminating proxy, a
 * captured and later decrypted session) does not give the key away:
 * <pre>
 * key   = HKDF-SHA256(ikm = token secret, salt = 16 random bytes, info = "qnf-ca-key-v1 " + context), 32 bytes
 * value = "qnf-ca-key-v1." + b64url(salt) + "." + b64url(nonce, 12 bytes) + "." + b64url(AES-256-GCM(PKCS#8 DER))
 * </pre>
 * The context (token id and the joiner's name) is also the GCM associated data: an envelope made for one joiner
 * opens for no other. A CA rotation seals the new CA's key the same way ({@link #sealUnder}), label
 * {@code qnf-ca-rotation-v1}, the secret being the old CA's private key and the context the new CA's pin.
 */
public final class CaKeyEnvelope {
    private static final String VERSION = "qnf-ca-key-v1";
    /** A rotation's new CA key sealed under the old CA key (see {@link #sealUnder}); same scheme, own label. */
    private static final String ROTATION = "qnf-ca-rotation-v1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private CaKeyEnvelope() {
    }

    /** The context of an envelope for the joiner {@code name} using token {@code tokenId}. */
    public static String context(String tokenId, String name) {
        return "token=" + tokenId + " name=" + name;
    }

    /** Seals {@code key} for whoever holds {@code secret}; {@code context} binds it to one token and joiner. */
    public static String seal(PrivateKey key, String secret, String context) {
        byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
        try {
            return seal(key, ikm, VERSION, context);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    private static String seal(PrivateKey key, byte[] secret, String version, String context) {
        byte[] salt = random(16);
        byte[] nonce = random(12);
        byte[] plain = key.getEncoded();
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, secret, version, salt, nonce, context).doFinal(plain);
            return version + "." + B64.encodeToString(salt) + "." + B64.encodeToString(nonce) + "."
                    + B64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the CA key", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Seals {@code key} (a new CA's, at a rotation) under a key derived from the private key {@code under} (the CA
     * it replaces): whoever holds the old CA key can open it, nobody else. {@code context} names the new CA (its
     * pin), so an envelope opens only as the key of that CA.
     */
    public static String sealUnder(PrivateKey key, PrivateKey under, String context) {
        byte[] secret = secretOf(under);
        try {
            return seal(key, secret, ROTATION, context);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The key {@link #sealUnder} sealed; {@link CaKeyException} if {@code under} or the context is not its. */
    public static PrivateKey openUnder(String envelope, PrivateKey under, String context) {
        byte[] secret = secretOf(under);
        try {
            return open(envelope, secret, ROTATION, context, "this CA key");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * The secret of a private key, the same however the key was stored (SEC1 or PKCS#8, plain or encrypted): an EC
     * key's scalar, else its PKCS#8 encoding.
     */
    private static byte[] secretOf(PrivateKey key) {
        if (key instanceof java.security.interfaces.ECPrivateKey ec) {
            byte[] s = ec.getS().toByteArray();
            byte[] fixed = new byte[Math.max(32, s.length)];
            System.arraycopy(s, 0, fixed, fixed.length - s.length, s.length);
            return fixed;
        }
        return key.getEncoded();
    }

    /** The key sealed in {@code envelope}; {@link CaKeyException} if it is malformed or not for this secret/context. */
    public static PrivateKey open(String envelope, String secret, String context) {
        byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
        try {
            return open(envelope, ikm, VERSION, context, "this token");
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    private static PrivateKey open(String envelope, byte[] secret, String version, String context, String opener) {
        String[] parts = envelope == null ? new String[0] : envelope.split("\\.");
        if (parts.length != 4 || !parts[0].equals(version)) {
            throw new CaKeyException("the CA key received is not a " + version + " envelope");
        }
        byte[] plain = null;
        try {
            plain = cipher(Cipher.DECRYPT_MODE, secret, version, B64D.decode(parts[1]), B64D.decode(parts[2]), context)
                    .doFinal(B64D.decode(parts[3]));
            return new JcaPEMKeyConverter().getPrivateKey(PrivateKeyInfo.getInstance(plain));
        } catch (AEADBadTagException e) {
            throw new CaKeyException("the CA key received does not open with " + opener + " (not sealed for it)");
        } catch (GeneralSecurityException | IllegalArgumentException | java.io.IOException e) {
            throw new CaKeyException("the CA key received is unusable: " + e.getClass().getSimpleName());
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static Cipher cipher(int mode, byte[] ikm, String version, byte[] salt, byte[] nonce, String context)
            throws GeneralSecurityException {
        if (salt.length != 16 || nonce.length != 12) {
            throw new IllegalArgumentException("salt or nonce of the wrong length");
        }
        byte[] info = (version + " " + context).getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[32];
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info));
        hkdf.generateBytes(key, 0, key.length);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(info);
            return cipher;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
