package dev.qnf.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.qnf.api.pki.IdentityKeyManager;
import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.pki.SpiffeTrustManager;
import dev.qnf.api.pki.Tls;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.Ports;
import dev.qnf.api.testing.ReplicaServers;
import dev.qnf.api.testing.ServerConfigs;
import dev.qnf.api.testing.TestPki;
import dev.qnf.api.v1.FabricProto;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes every write input of the API, REST and gRPC, against a real single-replica server (Ratis + RocksDB) with
 * mTLS and an admin identity: mutated valid-looking bodies, broken JSON, bodies over the size limit, deep nesting,
 * bad CIDRs and names, random and invalid protobuf. Every answer must come in time and be a 2xx or 4xx (gRPC: OK or
 * a client-error code); a refused request must leave the state hash as it was.
 * <p>
 * Seeded: {@code -Dqnf.fuzz.seed=N} replays a run, {@code -Dqnf.fuzz.iterations=N} sets the number of REST and of
 * gRPC calls (default {@value #DEFAULT_ITERATIONS} each). A failure names the seed and the offending request.
 */
class ApiFuzzTest {
    static final long DEFAULT_SEED = 0x51F7_2026L;
    static final int DEFAULT_ITERATIONS = 300;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Status.Code> CLIENT_ERRORS = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS,
            Status.Code.OUT_OF_RANGE);
    private static final String NET = "fz-net";
    private static final String ENDPOINT = "fz-ep";
    private static final String NODE = "fz-node";

    /** Answers by status, printed after each test, so a run shows what it exercised. */
    private static final java.util.Map<String, Integer> tally = new java.util.concurrent.ConcurrentSkipListMap<>();

    @TempDir
    static Path dir;
    static QnfServer server;
    static HttpClient http;
    static ManagedChannel channel;
    static final long seed = Long.getLong("qnf.fuzz.seed", DEFAULT_SEED);
    static final int iterations = Integer.getInteger("qnf.fuzz.iterations", DEFAULT_ITERATIONS);

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create(dir);
        ServerConfig config = ServerConfigs.alone("s1", dir.resolve("data"));
        // with a join port (whose CA also signs renewals), so that /v1/join and /v1/certificates/renew are fuzzed too;
        // without token pruning, which would delete the fuzzer's accepted short-lived tokens between two state hashes
        server = QnfServer.start(pki.secure(config).withJoinPort(Ports.loopback(),
                pki.pki().copyTo(dir.resolve("ca-copy")).dir()).withoutTokenPruning());
        ReloadingIdentity admin = ReloadingIdentity.of(pki.admin());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(Tls.clientContext(admin))
                .sslParameters(Tls.clientParameters()).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(server.apiUrl());
        channel = Grpc.newChannelBuilderForAddress(uri.getHost(), uri.getPort(), TlsChannelCredentials.newBuilder()
                .keyManager(new IdentityKeyManager(admin)).trustManager(new SpiffeTrustManager(admin,
                        Tls.SERVERS_ONLY)).build()).maxInboundMessageSize(4 << 20).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> send("GET", "/readyz", null, null).statusCode() == 200);
        server.announced().join();
        // something for the allocation, label and policy routes to aim at
        expectOk(send("POST", "/v1/networks", "application/json",
                "{\"name\":\"" + NET + "\",\"cidr\":\"10.200.0.0/16\",\"cidr6\":\"fd00:200::/64\"}"));
        expectOk(send("PUT", "/v1/nodes/" + NODE, "application/json", "{\"addresses\":[\"10.1.1.1\"]}"));
        expectOk(send("POST", "/v1/networks/" + NET + "/allocations", "application/json",
                "{\"endpoint\":\"" + ENDPOINT + "\",\"node\":\"" + NODE + "\"}"));
        HttpResponse<String> token = send("POST", "/v1/tokens", "application/json",
                "{\"ttlSeconds\":86400,\"uses\":1000,\"role\":\"node\"}");
        expectOk(token);
        joinToken = JSON.readTree(token.body()).get("token").asText();
    }

    /** A join token with many uses: some join requests are valid and spend one (the success path is fuzzed too). */
    static String joinToken;
    /** A valid certificate request, for the join and renewal templates. */
    static final String CSR = dev.qnf.api.pki.Pem.certificateRequest(
            dev.qnf.api.pki.CertificateAuthority.newKeyPair());

    @AfterAll
    static void stop() {
        System.out.println("API fuzz seed " + seed + ", " + iterations + " iterations; answers: " + tally);
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- REST

    /** One REST write (or a query taking user input) with its valid-looking body template. */
    private record Route(String method, String path, String template, boolean onJoinPort) {
        Route(String method, String path, String template) {
            this(method, path, template, false);
        }
    }

    private static List<Route> routes(FuzzValues v) {
        String net = v.chance(70) ? NET : v.badSegment();
        String ep = v.chance(70) ? ENDPOINT : v.badSegment();
        return List.of(
                new Route("POST", "/v1/networks", "{\"name\":\"fz-a\",\"cidr\":\"10.77.0.0/24\",\"cidr6\":"
                        + "\"fd00:77::/64\",\"gateway\":\"10.77.0.1\",\"mtu\":1400,\"nat\":true,\"blockPrefix\":26,"
                        + "\"blockPrefix6\":112,\"allowOverlap\":false,\"labels\":{\"team\":\"a\"}}"),
                new Route("POST", "/v1/networks/" + net + "/allocations", "{\"endpoint\":\"fz-b\",\"node\":\""
                        + NODE + "\",\"ip\":\"10.200.0.9\",\"containerId\":\"c0ffee\",\"ifName\":\"eth0\","
                        + "\"mac\":\"02:00:00:00:00:09\",\"labels\":{\"app\":\"web\"}}"),
                new Route("PUT", "/v1/nodes/" + (v.chance(50) ? "fz-n2" : v.badSegment()), "{\"site\":\"east\","
                        + "\"addresses\":[\"10.1.1.2\",\"fd00::2\"],\"publicKey\":\"" + "A".repeat(43) + "=\","
                        + "\"leaseSeconds\":30,\"mesh\":{\"endpoint\":\"10.1.1.2:51820\",\"publicEndpoint\":null,"
                        + "\"gateway\":false,\"tunnelAddress\":\"100.64.0.2\"}}"),
                new Route("POST", "/v1/policies", "{\"policies\":[{\"namespace\":\"default\",\"name\":\"web\","
                        + "\"selector\":{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\","
                        + "\"operator\":\"In\",\"values\":[\"a\"]}]},\"networks\":[\"" + NET + "\"],"
                        + "\"isolate\":[\"ingress\"],\"ingress\":[{\"action\":\"allow\",\"from\":[{\"endpoints\":"
                        + "{\"matchLabels\":{\"app\":\"db\"}}},{\"cidr\":\"10.0.0.0/8\",\"except\":"
                        + "[\"10.1.0.0/16\"]},{\"entity\":\"world\"}],\"ports\":[{\"protocol\":\"tcp\",\"port\":80,"
                        + "\"endPort\":90}]}],\"egress\":[]}],\"defaults\":{\"" + NET + "\":\"deny\"},"
                        + "\"tests\":[{\"from\":\"default/a\",\"to\":\"default/b\",\"port\":80,\"proto\":\"tcp\","
                        + "\"expect\":\"deny\"}]}"),
                new Route("POST", "/v1/networks/" + net + "/allocations/" + ep + "/labels",
                        "{\"set\":{\"app\":\"web\",\"tier\":\"a\"},\"remove\":[\"old\"]}"),
                // never a reachable address: a valid-looking new member would take the quorum away
                new Route("POST", "/v1/cluster/members",
                        "{\"id\":\"s9\",\"address\":" + quoted(v.badText()) + "}"),
                new Route("POST", "/v1/cluster/leader", "{\"id\":" + quoted(v.badText()) + "}"),
                new Route("POST", "/v1/tokens", "{\"ttlSeconds\":3600,\"uses\":1,\"role\":\"node\",\"site\":\"east\"}"),
                new Route("DELETE", "/v1/tokens/" + v.badSegment(), null),
                new Route("DELETE", "/v1/networks/" + v.badSegment(), null),
                new Route("DELETE", "/v1/networks/" + NET + "/allocations/" + v.badSegment(), null),
                new Route("DELETE", "/v1/nodes/" + v.badSegment(), null),
                new Route("DELETE", "/v1/policies/" + v.badSegment() + "/" + v.badSegment(), null),
                new Route("DELETE", "/v1/cluster/members/" + v.badSegment(), null),
                new Route("GET", "/v1/policy/explain?from=" + v.badSegment() + "&to=" + v.badSegment() + "&port="
                        + v.badSegment() + "&proto=" + v.badSegment(), null),
                new Route("GET", "/v1/networks/" + v.badSegment() + "/allocations?stale=" + v.badSegment(), null),
                new Route("POST", "/v1/nodes/" + (v.chance(50) ? "fz-rv" : v.badSegment()) + "/revoke",
                        "{\"serial\":\"4f3a9c\"}"),
                new Route("DELETE", "/v1/nodes/" + (v.chance(50) ? "fz-rv" : v.badSegment()) + "/revoke", null),
                // "admin" is the fuzzer itself: always refused (409), the fuzzer must never lock itself out
                new Route("POST", "/v1/users/" + (v.chance(40) ? "fz-ru" : v.chance(30) ? "admin" : v.badSegment())
                        + "/revoke", "{\"serial\":\"4f3a9d\"}"),
                new Route("DELETE", "/v1/users/" + (v.chance(50) ? "fz-ru" : v.badSegment()) + "/revoke", null),
                new Route("GET", "/v1/audit?since=" + v.badSince() + (v.chance(50) ? "&who=" + v.badSegment() : ""),
                        null),
                new Route("GET", "/v1/audit?who=" + v.badSegment() + (v.chance(30) ? "&who=" + v.badSegment() : ""),
                        null),
                new Route("POST", "/v1/certificates/renew", "{\"csr\":" + quoted(CSR) + "}"),
                // a rotation takes no body (a valid one may happen once: the fuzzer's certificates of the old CA
                // stay valid, the new CA being cross-signed); retiring is fuzzed without a body only, as a forced
                // retirement would refuse the fuzzer's own certificate from then on
                new Route("POST", "/v1/ca/rotate", null),
                new Route("POST", "/v1/ca/retire-old", null),
                new Route("GET", "/v1/ca?stale=" + v.badSegment(), null),
                new Route("POST", "/v1/join", "{\"token\":" + quoted(v.chance(40) ? joinToken : "abcdef.0123456789abcdef")
                        + ",\"name\":\"fz-j\",\"csr\":" + quoted(CSR) + "}", true));
    }

    @Test
    void restWritesRefuseHostileInputWithA4xxAndChangeNothing() throws Exception {
        Random random = new Random(seed);
        FuzzValues v = new FuzzValues(random);
        String hash = stateHash();
        for (int i = 0; i < iterations; i++) {
            Route route = v.pick(routes(v));
            String body = route.template() == null ? (v.chance(20) ? "{}" : null) : body(v, route.template());
            String type = v.chance(90) ? "application/json" : v.pick(new String[]{"text/plain",
                    "application/x-www-form-urlencoded", "application/json; charset=latin1"});
            hash = check(i, route, route.path(), type, body, hash);
        }
        assertThat(tally).as("the fuzzer reached validation").containsKeys("rest 400", "rest 404");
    }

    private static String body(FuzzValues v, String template) throws IOException {
        int kind = v.chance(60) ? 0 : 1 + v.below(6);
        return switch (kind) {
            case 0 -> JSON.writeValueAsString(v.mutate(JSON.readTree(template)));
            case 1 -> v.breakSyntax(template);
            case 2 -> JSON.writeValueAsString(v.anyValue(0));
            case 3 -> FuzzValues.nested(17 + v.below(3000), v.chance(50), v.chance(50));
            case 4 -> "";
            default -> template;   // unchanged: valid, or aimed at a bad path
        };
    }

    /** Fixed hostile bodies for every write route: size limit, 100,000 levels of nesting, a null, no body. */
    @Test
    void everyWriteRouteRefusesOversizedDeepNullAndEmptyBodies() throws Exception {
        String huge = "{\"name\":\"" + "x".repeat(QnfServer.MAX_REQUEST_BYTES + 10) + "\"}";
        List<String> bodies = List.of(huge, FuzzValues.nested(100_000, false, true),
                FuzzValues.nested(100_000, true, true), FuzzValues.nested(100_000, false, false), "null", "",
                "[]", "\"text\"", "12", "{\"name\":\"" + "\\u0000".repeat(20_000) + "\"}");
        String hash = stateHash();
        int i = 0;
        for (Route route : routes(new FuzzValues(new Random(seed)))) {
            if (route.template() == null) {
                continue;
            }
            for (String body : bodies) {
                hash = check(i++, route, route.path().replaceAll("/[^/]*%[^/]*", "/" + NET),
                        "application/json", body, hash);
            }
        }
    }

    /** Sends one request and checks the answer; returns the state hash to compare the next request against. */
    private static String check(int i, Route route, String path, String type, String body, String before)
            throws Exception {
        String method = route.method();
        String what = "seed " + seed + " #" + i + ": " + method + " " + path + (route.onJoinPort() ? " (join port)" : "")
                + " " + type + " body=" + abbreviate(body);
        HttpResponse<String> answer;
        try {
            answer = send(route.onJoinPort() ? joinUrl() : server.apiUrl(), method, path, type, body);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new AssertionError("no answer within " + ANSWER_WITHIN + " — " + what, e);
        } catch (IOException e) {
            tally.merge("rest dropped", 1, Integer::sum);
            // a connection the server closed on a request it would not read is a refusal, if nothing changed
            assertThat(stateHash()).as("state after a dropped connection — " + what).isEqualTo(before);
            return before;
        }
        int status = answer.statusCode();
        tally.merge("rest " + status, 1, Integer::sum);
        if (route.onJoinPort()) {
            tally.merge("join port " + status, 1, Integer::sum);
        }
        if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
            fail("status " + status + " " + abbreviate(answer.body()) + " — " + what);
        }
        String after = stateHash();
        if (status >= 400) {
            assertThat(answer.body()).as("error body — " + what).contains("\"code\"");
            assertThat(after).as("state after a refused request (" + status + " " + abbreviate(answer.body())
                    + ") — " + what).isEqualTo(before);
        }
        return after;
    }

    private static HttpResponse<String> send(String method, String path, String type, String body)
            throws IOException, InterruptedException {
        return send(server.apiUrl(), method, path, type, body);
    }

    private static String joinUrl() {
        return "https://127.0.0.1:" + server.joinPort();
    }

    private static HttpResponse<String> send(String base, String method, String path, String type, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(ANSWER_WITHIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (type != null && body != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String stateHash() throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/v1/debug/state-hash", null, null);
        assertThat(r.statusCode()).as("state hash: " + r.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        return json.get("revision").asLong() + "/" + json.get("hash").asText();
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void expectOk(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "<none>";
        }
        return s.length() <= 300 ? s : s.substring(0, 200) + "…(" + s.length() + " chars)…"
                + s.substring(s.length() - 60);
    }

    // ---------------------------------------------------------------- gRPC

    private static final Marshaller<byte[]> BYTES = new Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** Every unary method of every qnf.v1 service (Watch streams by design and is left out). */
    private static List<MethodDescriptor> unaryMethods() {
        List<MethodDescriptor> out = new ArrayList<>();
        for (ServiceDescriptor service : FabricProto.getDescriptor().getServices()) {
            for (MethodDescriptor m : service.getMethods()) {
                if (!m.isServerStreaming() && !m.isClientStreaming()) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    @Test
    void grpcMethodsRefuseRandomAndInvalidProtobufWithAClientErrorAndChangeNothing() throws Exception {
        Random random = new Random(seed ^ 0x6772_7063L);
        FuzzValues v = new FuzzValues(random);
        List<MethodDescriptor> methods = unaryMethods();
        assertThat(methods).hasSizeGreaterThanOrEqualTo(16);
        String hash = stateHash();
        for (int i = 0; i < iterations; i++) {
            MethodDescriptor m = v.pick(methods);
            byte[] request = grpcBody(v, m.getInputType());
            hash = checkGrpc(i, m, request, hash);
        }
        assertThat(tally).as("the fuzzer reached validation").containsKeys("grpc INVALID_ARGUMENT", "grpc OK");
        for (MethodDescriptor m : methods) {   // a body over the limit, for each method
            hash = checkGrpc(-1, m, new byte[QnfServer.MAX_REQUEST_BYTES + 64], hash);
        }
    }

    /** The bugs the fuzzer found, replayed on their own. */
    @Test
    void regressions() throws Exception {
        String hash = stateHash();
        io.grpc.MethodDescriptor<byte[], byte[]> create = bytesMethod("qnf.v1.Networks", "Create");
        // 1. bytes that are no protobuf message were INTERNAL ("Invalid protobuf byte sequence")
        for (byte[] bad : List.of(new byte[]{0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01},
                new byte[]{0x0a, 0x03, (byte) 0xc3, 0x28, -1}, new byte[]{0x0a, 0x7f, 0x61})) {
            assertGrpcCode(create, bad, Status.Code.INVALID_ARGUMENT);
        }
        // 2. a 70,000-char name was quoted whole in grpc-message: the client saw an INTERNAL stream reset
        byte[] longName = dev.qnf.api.v1.CreateNetworkRequest.newBuilder().setName("é".repeat(70_000))
                .setCidr("10.99.0.0/24").build().toByteArray();
        StatusRuntimeException e = assertGrpcCode(create, longName, Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).hasSizeLessThanOrEqualTo(
                dev.qnf.api.errors.ApiException.MAX_MESSAGE_CHARS);
        // 3. a null element of a list was an NPE in the policy converter: 500 (seed 7 #314)
        for (String body : List.of("{\"policies\":[null]}", "{\"policies\":[],\"tests\":[null]}",
                "{\"set\":{\"a\":null}}")) {
            String path = body.contains("set") ? "/v1/networks/" + NET + "/allocations/" + ENDPOINT + "/labels"
                    : "/v1/policies";
            HttpResponse<String> r = send("POST", path, "application/json", body);
            assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(400);
        }
        // 4. a member address whose host is no DNS name reached Raft, which answered 503 (seed 7 #177)
        HttpResponse<String> member = send("POST", "/v1/cluster/members", "application/json",
                "{\"id\":\"s9\",\"address\":\"00:11:22:33:44:55\"}");
        assertThat(member.statusCode()).as(member.body()).isEqualTo(400);
        // 5. an audit ?since= instant past what epoch milliseconds hold was an ArithmeticException: 500 (seed
        //    1375150118 #135)
        for (String since : List.of("-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z")) {
            HttpResponse<String> audit = send("GET", "/v1/audit?since=" + java.net.URLEncoder.encode(since,
                    StandardCharsets.UTF_8), null, null);
            assertThat(audit.statusCode()).as(since + " → " + audit.body()).isEqualTo(400);
        }
        assertThat(stateHash()).isEqualTo(hash);
    }

    private static StatusRuntimeException assertGrpcCode(io.grpc.MethodDescriptor<byte[], byte[]> method,
                                                         byte[] request, Status.Code expected) {
        try {
            ClientCalls.blockingUnaryCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS), request);
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(expected);
            return e;
        }
        throw new AssertionError("accepted " + method.getFullMethodName());
    }

    private static io.grpc.MethodDescriptor<byte[], byte[]> bytesMethod(String service, String method) {
        return io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(service, method))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    private static byte[] grpcBody(FuzzValues v, Descriptor type) {
        int kind = v.chance(60) ? 0 : v.below(5);
        byte[] valid = randomMessage(v, type, 0).toByteArray();
        return switch (kind) {
            case 0 -> valid;
            case 1 -> {   // random bytes
                byte[] b = new byte[v.chance(50) ? 8 : 200];
                new Random(valid.length * 31L + b.length).nextBytes(b);
                yield b;
            }
            case 2 -> valid.length < 2 ? new byte[]{(byte) 0x0a, (byte) 0xff} : java.util.Arrays.copyOf(valid,
                    valid.length - 1);   // truncated
            case 3 -> new byte[]{0x0a, (byte) 0x03, (byte) 0xc3, (byte) 0x28, (byte) 0xff};   // invalid UTF-8 string
            default -> new byte[]{0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};   // varint overflow
        };
    }

    private static DynamicMessage randomMessage(FuzzValues v, Descriptor type, int depth) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        for (FieldDescriptor f : type.getFields()) {
            if (!v.chance(70) || (depth > 3 && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
                continue;
            }
            if (f.isMapField()) {
                Descriptor entry = f.getMessageType();
                for (int n = v.chance(50) ? 1 : 3; n > 0; n--) {
                    b.addRepeatedField(f, DynamicMessage.newBuilder(entry)
                            .setField(entry.findFieldByNumber(1), v.badText())
                            .setField(entry.findFieldByNumber(2), v.badText()).build());
                }
            } else if (f.isRepeated()) {
                for (int n = v.chance(50) ? 1 : 3; n > 0; n--) {
                    b.addRepeatedField(f, randomValue(v, f, depth));
                }
            } else {
                b.setField(f, randomValue(v, f, depth));
            }
        }
        return b.build();
    }

    private static Object randomValue(FuzzValues v, FieldDescriptor f, int depth) {
        return switch (f.getJavaType()) {
            case STRING -> v.badText();
            case INT -> (int) v.badNumber();
            case LONG -> v.badNumber();
            case BOOLEAN -> v.chance(50);
            case DOUBLE -> (double) v.badNumber();
            case FLOAT -> (float) v.badNumber();
            case BYTE_STRING -> ByteString.copyFromUtf8(v.badText());
            case ENUM -> f.getEnumType().getValues().get(0);
            case MESSAGE -> randomMessage(v, f.getMessageType(), depth + 1);
        };
    }

    private static String checkGrpc(int i, MethodDescriptor m, byte[] request, String before) throws Exception {
        String what = "seed " + seed + " #" + i + ": gRPC " + m.getFullName() + " bytes="
                + abbreviate(java.util.HexFormat.of().formatHex(request));
        io.grpc.MethodDescriptor<byte[], byte[]> call = bytesMethod(m.getService().getFullName(), m.getName());
        boolean refused;
        try {
            ClientCalls.blockingUnaryCall(channel, call,
                    CallOptions.DEFAULT.withDeadlineAfter(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS), request);
            refused = false;
            tally.merge("grpc OK", 1, Integer::sum);
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            tally.merge("grpc " + code, 1, Integer::sum);
            if (code == Status.Code.DEADLINE_EXCEEDED) {
                fail("no answer within " + ANSWER_WITHIN + " — " + what);
            }
            if (!CLIENT_ERRORS.contains(code) && !(code == Status.Code.RESOURCE_EXHAUSTED
                    && request.length > QnfServer.MAX_REQUEST_BYTES)) {
                fail("status " + e.getStatus() + " — " + what);
            }
            refused = true;
        }
        String after = stateHash();
        if (refused) {
            assertThat(after).as("state after a refused call — " + what).isEqualTo(before);
        }
        return after;
    }
}
