package dev.qnf.api.pki;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.InMemoryFabric;
import dev.qnf.api.testing.ServerConfigs;
import dev.qnf.api.testing.TestPki;
import dev.qnf.api.v1.CreateNetworkRequest;
import dev.qnf.api.v1.ListNetworksRequest;
import dev.qnf.api.v1.NetworksGrpc;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API port speaks mTLS only: who has no certificate of the cluster never gets to send a request. */
class MutualTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static QnfServer server;

    @BeforeAll
    static void start() throws IOException {
        pki = TestPki.create(dir);
        ServerConfig config = ServerConfigs.alone("s1", dir.resolve("data"));
        server = QnfServer.start(pki.secure(config), (c, m) -> new InMemoryFabric(c.id(), c.raftAddress()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAdminCertificateReadsAndWritesOverHttps() {
        assertThat(server.apiUrl()).startsWith("https://");
        try (QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl())) {
            assertThat(admin.createNetwork(network("blue", "10.0.0.0/24")).created()).isTrue();
            assertThat(admin.getNetwork("blue").cidr()).isEqualTo("10.0.0.0/24");
        }
    }

    @Test
    void aViewerReadsButCannotWrite() {
        try (QnfClient viewer = QnfClient.connect(pki.user("vera", Role.VIEWER), server.apiUrl())) {
            viewer.listNetworks();
            assertThatThrownBy(() -> viewer.createNetwork(network("red", "10.9.0.0/24")))
                    .isInstanceOfSatisfying(QnfApiException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(403);
                        assertThat(e.code()).isEqualTo("PERMISSION_DENIED");
                    });
        }
    }

    @Test
    void aNodeRegistersItselfButCannotChangeNetworks() {
        try (QnfClient node = QnfClient.connect(pki.node("host-a"), server.apiUrl())) {
            assertThat(node.registerNode("host-a", new NodeRequest(null, List.of("10.1.1.1"), null, null)).value()
                    .name()).isEqualTo("host-a");
            assertThatThrownBy(() -> node.createNetwork(network("black", "10.8.0.0/24")))
                    .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
            assertThatThrownBy(() -> node.removeMember("s1"))
                    .isInstanceOfSatisfying(QnfApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
        }
    }

    @Test
    void nodeAMayNotTouchNodeBsRecordOrEndpoints() {
        try (QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl());
             QnfClient a = QnfClient.connect(pki.node("node-a"), server.apiUrl())) {
            admin.createNetwork(network("nr", "10.40.0.0/24"));
            admin.registerNode("node-b", new NodeRequest(null, List.of("10.1.1.2"), null, null));
            admin.allocate("nr", new AllocationRequest("b-web", "node-b", null));

            assertDenied(() -> a.registerNode("node-b", new NodeRequest(null, List.of("10.6.6.6"), null, null)));
            assertDenied(() -> a.removeNode("node-b"));
            assertDenied(() -> a.allocate("nr", new AllocationRequest("a-spoof", "node-b", null)));
            assertDenied(() -> a.allocate("nr", AllocationRequest.of("a-nonode")));
            assertDenied(() -> a.release("nr", "b-web"));
            assertThat(admin.listAllocations("nr").allocations()).as("refusals change nothing")
                    .extracting(v -> v.endpoint()).containsExactly("b-web");
            assertThat(admin.getNode("node-b").addresses()).containsExactly("10.1.1.2");

            a.registerNode("node-a", new NodeRequest(null, List.of("10.1.1.1"), null, null));
            assertThat(a.allocate("nr", new AllocationRequest("a-web", "node-a", null)).value().node())
                    .isEqualTo("node-a");
            a.release("nr", "a-web");
        }
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QnfApiException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.code()).isEqualTo("PERMISSION_DENIED");
        });
    }

    @Test
    void noClientCertificateIsRefusedInTheHandshake() throws Exception {
        SSLContext trustOnly = SSLContext.getInstance("TLSv1.3");
        trustOnly.init(null, new TrustManager[]{new SpiffeTrustManager(ReloadingIdentity.of(pki.admin()),
                Tls.SERVERS_ONLY)}, null);
        assertThatThrownBy(() -> get(HttpClient.newBuilder().sslContext(trustOnly).build(), "/v1/networks"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aCertificateFromAnotherCaIsRefused(@TempDir Path other) {
        TestPki foreign = TestPki.create(other);
        try (QnfClient client = QnfClient.connect(foreign.admin(), server.apiUrl())) {
            assertThatThrownBy(client::listNetworks).isInstanceOfSatisfying(QnfApiException.class,
                    e -> {   // no connection: the handshake failed, and the message says it was trust
                        assertThat(e.httpStatus()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("TLS handshake failed", "not valid for this cluster");
                    });
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedAndTheClientSaysWhatThatLooksLike(@TempDir Path other) {
        TestPki foreign = TestPki.create(other);
        TlsFiles foreignCertOurBundle = new TlsFiles(pki.admin().bundle(), foreign.admin().cert(),
                foreign.admin().key());
        try (QnfClient client = QnfClient.connect(foreignCertOurBundle, server.apiUrl())) {
            assertThatThrownBy(client::listNetworks).isInstanceOfSatisfying(QnfApiException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(503);
                // the server's alert, or (40 times out of 40 here) the connection it closed before the client read
                // it; a reset if the request was still unread on the server's socket when it closed
                assertThat(e.getMessage()).containsAnyOf("TLS handshake failed",
                        "closed the connection without answering, as it does when it does not trust the client",
                        "Connection reset");
            });
        }
    }

    @Test
    void anExpiredCertificateIsRefused(@TempDir Path out) {
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        TlsFiles expired = pki.pki().withClock(twoDaysAgo).issueUser("old", Role.ADMIN, Duration.ofHours(24), out);
        // the server refuses it in the handshake: no HTTP answer at all
        HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(Tls.clientContext(ReloadingIdentity.of(expired))).sslParameters(Tls.clientParameters())
                .connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> raw.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/v1/networks"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        // and QnfClient does not even try: it says why (rather than "cannot reach")
        try (QnfClient client = QnfClient.connect(expired, server.apiUrl())) {
            assertThatThrownBy(client::listNetworks).isInstanceOfSatisfying(QnfApiException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(401);
                assertThat(e.code()).isEqualTo("UNAUTHENTICATED");
                assertThat(e.getMessage()).contains("expired");
            });
        }
    }

    @Test
    void plaintextHttpGetsNoAnswer() {
        String plain = server.apiUrl().replace("https://", "http://");
        assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(HttpRequest.newBuilder(URI.create(plain + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aClientRefusesAServerThatIsNotAServerIdentity(@TempDir Path out) throws Exception {
        // a node certificate of the same cluster used as a server certificate: clients accept only /server/ IDs
        TlsFiles node = pki.node("impostor");
        ServerConfig config = ServerConfigs.alone("s2", out).withTls(node);
        try (QnfServer impostor = QnfServer.start(config, (c, m) -> new InMemoryFabric(c.id(), c.raftAddress()));
             QnfClient admin = QnfClient.connect(pki.admin(), impostor.apiUrl())) {
            assertThatThrownBy(admin::listNetworks).isInstanceOfSatisfying(QnfApiException.class,
                    e -> assertThat(e.httpStatus()).isEqualTo(503));
        }
    }

    @Test
    void grpcTakesTheSameCertificates() throws Exception {
        TlsFiles admin = pki.admin();
        URI uri = URI.create(server.apiUrl());
        ReloadingIdentity identity = ReloadingIdentity.of(admin);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(uri.getHost(), uri.getPort(),
                TlsChannelCredentials.newBuilder().keyManager(new IdentityKeyManager(identity))
                        .trustManager(new SpiffeTrustManager(identity, Tls.SERVERS_ONLY)).build()).build();
        ManagedChannel anonymous = Grpc.newChannelBuilderForAddress(uri.getHost(), uri.getPort(),
                TlsChannelCredentials.newBuilder().trustManager(new SpiffeTrustManager(identity, Tls.SERVERS_ONLY))
                        .build()).build();
        try {
            NetworksGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .create(CreateNetworkRequest.newBuilder().setName("green").setCidr("10.3.0.0/24").build());
            assertThat(NetworksGrpc.newBlockingStub(channel).list(ListNetworksRequest.getDefaultInstance())
                    .getNetworksList()).anyMatch(n -> n.getName().equals("green"));
            assertThatThrownBy(() -> NetworksGrpc.newBlockingStub(anonymous).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .list(ListNetworksRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            channel.shutdownNow();
            anonymous.shutdownNow();
        }
    }

    private static NetworkRequest network(String name, String cidr) {
        return new NetworkRequest(name, cidr, null, null, null, null, null, null, null, null, null);
    }

    private static HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + path)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
