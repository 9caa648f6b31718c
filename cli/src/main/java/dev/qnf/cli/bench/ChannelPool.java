package dev.qnf.cli.bench;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of gRPC channels (each its own HTTP/2 connection), assigned round-robin to the given servers, so the
 * load of many logical clients is spread over several connections and over every server, like etcd's
 * {@code benchmark --conns}. Channels use the direct executor: completions run on the transport threads, which is
 * safe because the benchmark's callbacks only record a number and start the next non-blocking call. Retries are
 * off: a failed request counts as an error, as it would for a client without a retry policy.
 */
final class ChannelPool implements AutoCloseable {
    private final List<ManagedChannel> channels;

    private ChannelPool(List<ManagedChannel> channels) {
        this.channels = channels;
    }

    /**
     * @param endpoints   servers as {@code host:port}, {@code http://host:port} or {@code https://host:port}
     * @param connections channels to open; channel {@code i} goes to endpoint {@code i % endpoints.size()}
     */
    static ChannelPool open(List<String> endpoints, int connections) {
        if (endpoints.isEmpty() || connections < 1) {
            throw new IllegalArgumentException("need at least one endpoint and one connection");
        }
        List<Endpoint> parsed = endpoints.stream().map(Endpoint::parse).toList();
        List<ManagedChannel> channels = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            Endpoint e = parsed.get(i % parsed.size());
            channels.add(Grpc.newChannelBuilderForAddress(e.host(), e.port(), e.credentials())
                    .directExecutor()
                    .disableRetry()
                    .userAgent("qnf-bench")
                    .build());
        }
        return new ChannelPool(List.copyOf(channels));
    }

    /** The channel for operation {@code n}: operations are spread evenly over the channels. */
    ManagedChannel forOperation(long n) {
        return channels.get((int) Math.floorMod(n, (long) channels.size()));
    }

    int size() {
        return channels.size();
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdown);
        try {
            for (ManagedChannel c : channels) {
                if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            channels.forEach(ManagedChannel::shutdownNow);
            Thread.currentThread().interrupt();
        }
    }

    /** A server address as given on the command line. */
    record Endpoint(String host, int port, boolean tls) {
        static Endpoint parse(String text) {
            String s = text.strip();
            URI uri = URI.create(s.contains("://") ? s : "http://" + s);
            String host = uri.getHost();
            if (host == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("not host:port or a URL with a port: " + text);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return switch (uri.getScheme()) {
                case "http" -> new Endpoint(host, uri.getPort(), false);
                case "https" -> new Endpoint(host, uri.getPort(), true);
                default -> throw new IllegalArgumentException("scheme must be http or https: " + text);
            };
        }

        ChannelCredentials credentials() {
            return tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
        }
    }
}
