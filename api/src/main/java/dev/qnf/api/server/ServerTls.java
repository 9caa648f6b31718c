package dev.qnf.api.server;

import com.linecorp.armeria.server.ServerBuilder;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.SpiffeTrustManager;
import dev.qnf.api.pki.Tls;
import io.netty.handler.ssl.ClientAuth;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The API port's TLS: TLS 1.3 only, a client certificate of the cluster required (the handshake fails without
 * one, before any request is read), the server's own certificate and the trust bundle taken from the identity on
 * every handshake (so renewals and CA rotations need no restart). Netty's SslHandler bounds each handshake (10 s),
 * and a stalled one holds only its own connection: the event loop never waits on it.
 */
final class ServerTls {
    private ServerTls() {
    }

    static void configure(ServerBuilder sb, InetSocketAddress bind, Supplier<Identity> identity) {
        sb.https(bind)
                .tls(Tls.keyManagerFactory(identity))
                .tlsCustomizer(b -> b.clientAuth(ClientAuth.REQUIRE)
                        .trustManager(new SpiffeTrustManager(identity, Tls.ANY_PEER))
                        .protocols(Tls.PROTOCOL));
    }

    /** The join port: the same server certificate, no client certificate asked for (the join token is the credential). */
    static void configureJoin(ServerBuilder sb, InetSocketAddress bind, Supplier<Identity> identity) {
        sb.https(bind)
                .tls(Tls.keyManagerFactory(identity))
                .tlsCustomizer(b -> b.clientAuth(ClientAuth.NONE).protocols(Tls.PROTOCOL));
    }
}
