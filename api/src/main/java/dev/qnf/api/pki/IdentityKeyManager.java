package dev.qnf.api.pki;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Presents the current identity's certificate on every handshake. Each certificate gets its own alias (its serial
 * number), so a handshake that picked an alias just before a renewal still gets the key matching that alias.
 */
public final class IdentityKeyManager extends X509ExtendedKeyManager {
    private final Supplier<Identity> identity;
    private final Map<String, Identity> byAlias = new ConcurrentHashMap<>();

    public IdentityKeyManager(Supplier<Identity> identity) {
        this.identity = identity;
    }

    private String alias(String keyType) {
        Identity now = identity.get();
        if (keyType != null && !matches(keyType, now.key().getAlgorithm())) {
            return null;
        }
        String alias = now.certificate().getSerialNumber().toString(16);
        if (!byAlias.containsKey(alias)) {
            if (byAlias.size() > 8) {
                byAlias.clear();   // only the latest few matter
            }
            byAlias.put(alias, now);
        }
        return alias;
    }

    /** JSSE and OpenSSL ask with "EC", "EC_EC", "ECDSA", "RSA", ...: answer for the family of our key. */
    private static boolean matches(String keyType, String algorithm) {
        String k = keyType.toUpperCase(java.util.Locale.ROOT);
        return algorithm.equals("EC") ? k.startsWith("EC") : k.startsWith(algorithm);
    }

    private static boolean anyMatch(String[] keyTypes, String algorithm) {
        if (keyTypes == null) {
            return true;
        }
        for (String k : keyTypes) {
            if (matches(k, algorithm)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String a = alias(keyType);
        return a == null ? null : new String[]{a};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return anyMatch(keyTypes, identity.get().key().getAlgorithm()) ? alias(null) : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Identity i = byAlias.get(alias);
        return i == null ? null : i.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Identity i = byAlias.get(alias);
        return i == null ? null : i.key();
    }
}
