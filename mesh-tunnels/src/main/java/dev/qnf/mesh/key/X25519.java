package dev.qnf.mesh.key;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * WireGuard key pairs with the JDK's X25519 (RFC 7748), no native code. A private key is the raw little-endian
 * scalar, clamped as {@code wg genkey} clamps it; its public key is X25519(private, 9), computed as a key agreement
 * with the base point, which is exactly what {@code wg pubkey} does.
 */
public final class X25519 {
    private static final BigInteger BASE_POINT = BigInteger.valueOf(9);

    private X25519() {
    }

    public static WgKey generatePrivate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
            XECPrivateKey k = (XECPrivateKey) g.generateKeyPair().getPrivate();
            byte[] scalar = k.getScalar().orElseThrow(() -> new IllegalStateException("X25519 key without scalar"));
            return WgKey.of(clamp(scalar));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JDK", e);
        }
    }

    public static WgKey publicOf(WgKey privateKey) {
        try {
            KeyFactory f = KeyFactory.getInstance("XDH");
            PrivateKey priv = f.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.bytes()));
            PublicKey base = f.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BASE_POINT));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(base, true);
            return WgKey.of(ka.generateSecret());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JDK", e);
        }
    }

    /** RFC 7748 section 5 clamping, as WireGuard stores private keys. */
    static byte[] clamp(byte[] scalar) {
        byte[] k = scalar.clone();
        k[0] &= (byte) 248;
        k[31] &= (byte) 127;
        k[31] |= (byte) 64;
        return k;
    }
}
