package dev.qnf.consensus;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import java.util.Objects;

/**
 * Mutual TLS for Raft traffic (server, admin and client channels of Ratis's gRPC transport). The key manager
 * presents this server's certificate and the trust manager decides who is a peer (QNF passes one that accepts only
 * {@code spiffe://<cluster>/server/...} identities of its trust bundle), both consulted on every handshake so
 * renewals and CA rotations need no restart.
 */
public record RaftTls(KeyManager keyManager, TrustManager trustManager) {
    public RaftTls {
        Objects.requireNonNull(keyManager, "keyManager");
        Objects.requireNonNull(trustManager, "trustManager");
    }

    /** The Ratis parameters carrying this TLS configuration, or null for plaintext. */
    static Parameters parameters(RaftTls tls) {
        if (tls == null) {
            return null;
        }
        Parameters p = new Parameters();
        GrpcConfigKeys.TLS.setConf(p, new GrpcTlsConfig(tls.keyManager(), tls.trustManager(), true));
        return p;
    }
}
