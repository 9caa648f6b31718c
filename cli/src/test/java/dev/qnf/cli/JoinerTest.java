package dev.qnf.cli;

import dev.qnf.testing.FreePorts;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regression for a bug the chaos suite found (kill-majority of members that had joined through each other): a
 * server started with --join exited when the one server it joined through did not answer, although it was already
 * a member and serving. Joining now retries in the background until the cluster answers.
 */
class JoinerTest {
    private HttpServer fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.stop(0);
        }
    }

    @Test
    void retriesUntilTheServerItJoinsThroughAnswers() throws Exception {
        int port = FreePorts.base(1) + 1;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CompletableFuture<Boolean> added = Joiner.start(URI.create("http://127.0.0.1:" + port), null, "n4", "10.0.0.4:7411",
                new PrintStream(log, true, StandardCharsets.UTF_8), Duration.ofMillis(100), Duration.ofMillis(400));

        // nothing listens yet: the joiner keeps trying instead of giving up (waits for a failed attempt rather than a
        // fixed second, which a loaded machine spent creating the client before the first attempt)
        await().atMost(Duration.ofSeconds(30)).until(() -> log.toString(StandardCharsets.UTF_8).contains("retrying"));
        assertThat(added).isNotDone();
        CopyOnWriteArrayList<String> bodies = new CopyOnWriteArrayList<>();
        fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        fake.createContext("/v1/cluster/members", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{\"leader\":\"n1\",\"term\":1,\"commitIndex\":1,\"appliedIndex\":1,\"members\":[]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        fake.start();

        assertThat(added.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(bodies).singleElement().satisfies(b -> assertThat(b).contains("\"n4\"", "10.0.0.4:7411"));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("retrying", "added to the cluster");
    }

    @Test
    void aRefusalEndsTheAttempts() throws Exception {
        int port = FreePorts.base(1) + 1;
        fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        fake.createContext("/v1/cluster/members", exchange -> {
            byte[] answer = "{\"code\":\"ALREADY_EXISTS\",\"message\":\"member n4 already exists at 10.9.9.9:7411\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(409, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        fake.start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CompletableFuture<Boolean> added = Joiner.start(URI.create("http://127.0.0.1:" + port), null, "n4", "10.0.0.4:7411",
                new PrintStream(log, true, StandardCharsets.UTF_8), Duration.ofMillis(100), Duration.ofMillis(400));
        assertThat(added.get(20, TimeUnit.SECONDS)).isFalse();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("refused", "ALREADY_EXISTS");
    }
}
