package dev.qnf.agent.metrics;

import dev.qnf.concurrent.DaemonThreads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} over plain HTTP (the JDK's server, one thread): the registry in Prometheus' text format.
 * {@code beforeScrape} runs first, so values read from the kernel (nft counters) are as fresh as the scrape.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    public static MetricsServer start(InetSocketAddress listen, PrometheusMeterRegistry registry, Runnable beforeScrape)
            throws IOException {
        HttpServer server = HttpServer.create(listen, 16);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    reply(exchange, 405, "only GET\n");
                    return;
                }
                try {
                    beforeScrape.run();
                } catch (RuntimeException e) {
                    LOG.warn("metrics: refreshing before the scrape failed: {}", e.toString());
                }
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                reply(exchange, 200, registry.scrape());
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                reply(exchange, 404, "try /metrics\n");
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(DaemonThreads.named("qnf-agent-metrics")));
        server.start();
        return new MetricsServer(server);
    }

    /** The bound address (the actual port when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
