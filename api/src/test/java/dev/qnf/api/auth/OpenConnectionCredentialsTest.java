package dev.qnf.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Watching;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NodeRequest;
import dev.qnf.api.pki.IdentityKeyManager;
import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.pki.SpiffeTrustManager;
import dev.qnf.api.pki.Tls;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.NdjsonReader;
import dev.qnf.api.testing.SecureClusterExtension;
import dev.qnf.api.testing.TestPki;
import dev.qnf.api.v1.ListNetworksRequest;
import dev.qnf.api.v1.NetworksGrpc;
import dev.qnf.api.v1.WatchGrpc;
import dev.qnf.api.v1.WatchRequest;
import dev.qnf.api.v1.WatchResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the handshake checked is checked again on connections that stay open, on a real 3-server cluster (Ratis,
 * RocksDB, API and Raft over mTLS): a certificate that expires while its HTTP/1.1 and HTTP/2 connections stay open is
 * refused on its next request (401 / UNAUTHENTICATED) and its watch streams, REST and gRPC, end at its expiry; a
 * revoked node's open watches end within seconds of the revocation, on servers other than the one that took it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OpenConnectionCredentialsTest {
    /**
     * Long enough to open everything below on a loaded machine (the watches, and writes until both see one, which
     * can take several seconds each), short enough to wait for.
     */
    private static final Duration SHORT_LIFETIME = Duration.ofSeconds(25);
    /** The recheck runs every second; the rest is slack for a loaded CI machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @RegisterExtension
    static final SecureClusterExtension cluster = SecureClusterExtension.ready();

    @Test
    void aCertificateThatExpiresOnOpenConnectionsIsRefusedOnTheirNextRequestAndEndsItsWatches() throws Exception {
        TlsFiles files = cluster.pki().pki().issue(SpiffeId.node(TestPki.TRUST_DOMAIN, "brief"), null, List.of(),
                SHORT_LIFETIME, cluster.dir().resolve("node-brief"));
        Instant notAfter = files.load().certificate().getNotAfter().toInstant();
        String[] urls = cluster.urls();
        ManagedChannel channel = channel(files, urls[0]);
        // raw HTTP/1.1 keep-alive: QnfClient would not even send with an expired certificate (it checks locally)
        HttpClient keepAlive = https(files);
        try (NdjsonReader restWatch = new NdjsonReader(https(files), urls[1] + "/v1/watch");
             GrpcWatch grpcWatch = GrpcWatch.open(channel(files, urls[2]))) {
            assertThat(restWatch.status()).isEqualTo(200);
            long revision = writeUntilSeen("expiry", 61, () -> grpcWatch.messages.get() > 0);
            awaitRevision(restWatch, revision);

            // valid: requests on the same connections (one HTTP/1.1 keep-alive, one HTTP/2) go through
            int ok = 0;
            // stops well before the end, so that neither the last round's requests nor the checks after it can
            // run into the expiry on a slow machine
            while (Instant.now().isBefore(notAfter.minusSeconds(5))) {
                assertThat(get(keepAlive, urls[0] + "/v1/nodes").statusCode()).isEqualTo(200);
                assertThat(NetworksGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .list(ListNetworksRequest.getDefaultInstance()).getNetworksCount()).isPositive();
                ok++;
                Thread.sleep(500);
            }
            assertThat(ok).as("requests made while the certificate was valid").isPositive();
            assertThat(restWatch.ended()).as("the REST watch, before expiry").isNotDone();
            assertThat(grpcWatch.ended).as("the gRPC watch, before expiry").isNotDone();

            await().atMost(PROMPTLY).until(() -> Instant.now().isAfter(notAfter.plusMillis(200)));
            // the same connections, past the certificate's end: refused per request, not only per handshake
            // (a new connection would fail in the handshake: an answer at all means the old connection)
            HttpResponse<String> refused = get(keepAlive, urls[0] + "/v1/nodes");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(Http.parse(refused.body()).get("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(refused.body()).contains("expired", "valid when this connection was opened");
            assertThatThrownBy(() -> NetworksGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .list(ListNetworksRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).contains("expired");
                    });

            // the watches end at expiry (within the recheck's second), each with the reason
            restWatch.ended().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            List<JsonNode> last = restWatch.drain();
            assertThat(last).isNotEmpty();
            JsonNode error = last.get(last.size() - 1);
            assertThat(error.get("type").asText()).isEqualTo("ERROR");
            assertThat(error.get("revision").asLong()).as("the last revision sent").isGreaterThanOrEqualTo(revision);
            assertThat(error.get("error").get("code").asText()).isEqualTo("UNAUTHENTICATED");
            Status ended = grpcWatch.ended.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(ended.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(ended.getDescription()).contains("expired");

            // and a new connection does not get as far: the handshake would refuse it, so QnfClient does not try
            try (QnfClient fresh = QnfClient.connect(files, urls[1])) {
                assertThatThrownBy(fresh::listNodes).isInstanceOfSatisfying(QnfApiException.class,
                        e -> assertThat(e.getMessage()).contains("this client's certificate"));
            }
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aRevokedNodesOpenWatchesEndWithinSecondsOnEveryServer() throws Exception {
        TlsFiles files = cluster.pki().node("watched");
        String[] urls = cluster.urls();
        try (QnfClient agent = QnfClient.connect(files, urls[1]);
             NdjsonReader restWatch = new NdjsonReader(https(files), urls[2] + "/v1/watch");
             GrpcWatch grpcWatch = GrpcWatch.open(channel(files, urls[1]))) {
            agent.registerNode("watched", new NodeRequest(null, List.of("10.62.0.9"), null, null));
            List<Long> agentSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
            Watching agentWatch = agent.watch(null, m -> agentSaw.add(m.revision()));
            long seen = writeUntilSeen("revoke", 62, () -> grpcWatch.messages.get() > 0 && !agentSaw.isEmpty());
            awaitRevision(restWatch, seen);

            Instant revoked = Instant.now();
            cluster.admin().revokeNode("watched", null);   // through s1; the watches are on s2 and s3
            List<String> took = new ArrayList<>();

            Status grpcEnd = grpcWatch.ended.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            took.add("gRPC " + Duration.between(revoked, Instant.now()).toMillis() + " ms");
            assertThat(grpcEnd.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(grpcEnd.getDescription()).contains("revoked");

            restWatch.ended().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            took.add("REST " + Duration.between(revoked, Instant.now()).toMillis() + " ms");
            List<JsonNode> last = restWatch.drain();
            JsonNode error = last.get(last.size() - 1);
            assertThat(error.get("type").asText()).isEqualTo("ERROR");
            assertThat(error.get("error").get("code").asText()).isEqualTo("PERMISSION_DENIED");
            assertThat(error.get("error").get("message").asText()).contains("revoked");

            // the agent's client: the stream ends, it asks again and is told why; the watch stops with that
            assertThatThrownBy(() -> agentWatch.done().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS))
                    .hasCauseInstanceOf(QnfApiException.class)
                    .satisfies(e -> {
                        QnfApiException refused = (QnfApiException) e.getCause();
                        assertThat(refused.httpStatus()).isEqualTo(403);
                        assertThat(refused.code()).isEqualTo("PERMISSION_DENIED");
                    });
            took.add("agent's watch " + Duration.between(revoked, Instant.now()).toMillis() + " ms");
            System.out.println("revoked node's open watches ended after: " + took);
        }
    }

    /**
     * Writes (a network per round) until the watches have {@code seen} one: a watch "from now" starts when its call
     * reaches the server, which the client does not tell. Returns the last revision written.
     */
    private static long writeUntilSeen(String prefix, int octet, java.util.function.BooleanSupplier seen)
            throws InterruptedException {
        long revision = 0;
        for (int i = 0; !seen.getAsBoolean(); i++) {
            assertThat(i).as("the watches see one of the writes").isLessThan(20);
            revision = cluster.admin().createNetwork(network(prefix + "-net-" + i, "10." + octet + "." + i + ".0/24"))
                    .value().revision();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!seen.getAsBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        return revision;
    }

    private static void awaitRevision(NdjsonReader watch, long revision) {
        while (watch.next(PROMPTLY).get("revision").asLong() < revision) {
            // earlier revisions (member announcements of servers still starting)
        }
    }

    private static NetworkRequest network(String name, String cidr) {
        return new NetworkRequest(name, cidr, null, null, null, null, null, null, null, null, null);
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** HTTP/1.1 over mTLS presenting {@code files}, as QnfClient speaks it. */
    private static HttpClient https(TlsFiles files) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .sslContext(Tls.clientContext(ReloadingIdentity.of(files))).sslParameters(Tls.clientParameters())
                .build();
    }

    /** gRPC (HTTP/2, one connection for every call) presenting {@code files}. */
    private static ManagedChannel channel(TlsFiles files, String url) {
        URI uri = URI.create(url);
        ReloadingIdentity identity = ReloadingIdentity.of(files);
        return Grpc.newChannelBuilderForAddress(uri.getHost(), uri.getPort(),
                TlsChannelCredentials.newBuilder().keyManager(new IdentityKeyManager(identity))
                        .trustManager(new SpiffeTrustManager(identity, Tls.SERVERS_ONLY)).build()).build();
    }

    /** An open gRPC watch: how many messages it got, and the status it ended with. */
    private static final class GrpcWatch implements AutoCloseable {
        final AtomicInteger messages = new AtomicInteger();
        final CompletableFuture<Status> ended = new CompletableFuture<>();
        private final ManagedChannel channel;

        private GrpcWatch(ManagedChannel channel) {
            this.channel = channel;
        }

        static GrpcWatch open(ManagedChannel channel) {
            GrpcWatch watch = new GrpcWatch(channel);
            WatchGrpc.newStub(channel).watch(WatchRequest.getDefaultInstance(), new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse value) {
                    watch.messages.incrementAndGet();
                }

                @Override
                public void onError(Throwable t) {
                    watch.ended.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    watch.ended.complete(Status.OK);
                }
            });
            return watch;
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }
}
