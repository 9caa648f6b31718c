package dev.qnf.api.auth;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.qnf.api.errors.ApiCode;
import dev.qnf.api.errors.ApiException;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.Http;
import dev.qnf.api.testing.InMemoryFabric;
import dev.qnf.api.testing.ServerConfigs;
import dev.qnf.api.v1.CreateNetworkRequest;
import dev.qnf.api.v1.DeleteNetworkRequest;
import dev.qnf.api.v1.NetworksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stand-in for the later mTLS/RBAC work plugs into both surfaces without touching a handler. */
class AccessControlSeamTest {
    /** Authenticates from a header, refuses deletes, and records what it was asked. */
    static final class Recording implements AccessControl {
        final List<String> decisions = new CopyOnWriteArrayList<>();

        @Override
        public Caller authenticate(ServiceRequestContext ctx) {
            String user = ctx.request().headers().get("x-user");
            if (user == null) {
                throw new ApiException(ApiCode.UNAUTHENTICATED, "who are you?");
            }
            return new Caller(user, Set.of("operator"));
        }

        @Override
        public void authorize(Caller caller, String operation) {
            decisions.add(caller.principal() + " " + operation);
            if (operation.startsWith("DELETE") || operation.endsWith("/Delete")) {
                throw new ApiException(ApiCode.PERMISSION_DENIED, caller.principal() + " may not " + operation);
            }
        }
    }

    @Test
    void restAndGrpcCallsPassTheSameAccessControl() throws Exception {
        Recording access = new Recording();
        ServerConfig config = ServerConfigs.alone("s1", Path.of("/unused"));
        try (QnfServer server = QnfServer.start(config, (c, m) -> new InMemoryFabric(c.id(), c.raftAddress()), access)) {
            Http http = new Http(server.apiUrl());
            Http.Response anonymous = http.post("/v1/networks", "{\"name\":\"blue\",\"cidr\":\"10.0.0.0/24\"}");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json().get("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(http.get("/healthz").status()).as("health stays open").isEqualTo(200);

            Http.Response created = http.send("POST", "/v1/networks",
                    "{\"name\":\"blue\",\"cidr\":\"10.0.0.0/24\"}".getBytes(), "x-user", "alice");
            assertThat(created.status()).isEqualTo(201);
            Http.Response denied = http.send("DELETE", "/v1/networks/blue", null, "x-user", "alice");
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.json().get("code").asText()).isEqualTo("PERMISSION_DENIED");

            URI uri = URI.create(server.apiUrl());
            ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
            try {
                io.grpc.Metadata headers = new io.grpc.Metadata();
                headers.put(io.grpc.Metadata.Key.of("x-user", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "bob");
                NetworksGrpc.NetworksBlockingStub stub = NetworksGrpc.newBlockingStub(channel)
                        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
                stub.create(CreateNetworkRequest.newBuilder().setName("red").setCidr("10.1.0.0/24").build());
                assertThatThrownBy(() -> stub.delete(DeleteNetworkRequest.newBuilder().setName("red").build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
                assertThatThrownBy(() -> NetworksGrpc.newBlockingStub(channel).create(
                        CreateNetworkRequest.newBuilder().setName("x").setCidr("10.2.0.0/24").build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            } finally {
                channel.shutdownNow();
            }
            assertThat(access.decisions).contains("alice POST /v1/networks", "alice DELETE /v1/networks/:name",
                    "bob qnf.v1.Networks/Create", "bob qnf.v1.Networks/Delete");
        }
    }
}
