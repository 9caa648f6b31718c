package dev.qnf.api.pki;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/** TLS 1.3 contexts built from an identity: ours to present, the bundle's CAs and SPIFFE kinds to accept. */
public final class Tls {
    public static final String PROTOCOL = "TLSv1.3";
    /** What a server accepts as a client: anyone of the cluster; authorization decides what it may do. */
    public static final Set<SpiffeId.Kind> ANY_PEER = EnumSet.allOf(SpiffeId.Kind.class);
    /** What a client accepts as the server it called. */
    public static final Set<SpiffeId.Kind> SERVERS_ONLY = EnumSet.of(SpiffeId.Kind.SERVER);

    private Tls() {
    }

    /** A client context presenting {@code identity} and accepting only QNF servers of its bundle. */
    public static SSLContext clientContext(Supplier<Identity> identity) {
        try {
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(new KeyManager[]{new IdentityKeyManager(identity)},
                    new TrustManager[]{new SpiffeTrustManager(identity, SERVERS_ONLY)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS 1.3 in this JVM", e);
        }
    }

    public static SSLParameters clientParameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(new String[]{PROTOCOL});
        return p;
    }

    /** A key manager factory handing out {@link IdentityKeyManager} (what Netty and Armeria take). */
    public static KeyManagerFactory keyManagerFactory(Supplier<Identity> identity) {
        KeyManager[] managers = {new IdentityKeyManager(identity)};
        return new KeyManagerFactory(new KeyManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks, char[] password) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {
            }

            @Override
            protected KeyManager[] engineGetKeyManagers() {
                return managers;
            }
        }, null, "qnf-identity") {
        };
    }
}
