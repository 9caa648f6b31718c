package dev.qnf.cli.bench;

import com.google.protobuf.ByteString;
import dev.qnf.cli.bench.etcd.KVGrpc;
import dev.qnf.cli.bench.etcd.PutRequest;
import dev.qnf.cli.bench.etcd.PutResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Puts unique keys into etcd over its real gRPC API ({@code etcdserverpb.KV/Put}), one key per operation number,
 * each value the size of a QNF allocation record. Every put is one etcd write: a Raft proposal, a WAL entry, and a
 * bbolt update (etcd batches all three under concurrency).
 */
public final class EtcdPutDriver implements AutoCloseable {
    /** An endpoint record as QNF stores one, to give etcd values of the same size (~200 bytes). */
    static final String SAMPLE_VALUE = """
            {"network":"bench","id":"ep-0000000000","node":"node-a","ip":"10.128.0.1","ip6":null,\
            "containerId":"4f1c2a9e7b3d5f60a1b2c3d4e5f60718293a4b5c6d7e8f90","ifName":"eth0",\
            "mac":"02:42:0a:80:00:01","labels":{}}""";

    private final ChannelPool channels;
    private final String keyPrefix;
    private final ByteString value;
    private final Duration timeout;

    private EtcdPutDriver(ChannelPool channels, String keyPrefix, ByteString value, Duration timeout) {
        this.channels = channels;
        this.keyPrefix = keyPrefix;
        this.value = value;
        this.timeout = timeout;
    }

    /**
     * @param endpoints   etcd client URLs or {@code host:port}, used round-robin
     * @param connections gRPC connections to spread the clients over
     * @param keyPrefix   prefix of every key, unique per run so keys are new
     * @param timeout     deadline of each put
     */
    public static EtcdPutDriver open(List<String> endpoints, int connections, String keyPrefix, Duration timeout) {
        return new EtcdPutDriver(ChannelPool.open(endpoints, connections), keyPrefix,
                ByteString.copyFrom(SAMPLE_VALUE, StandardCharsets.UTF_8), timeout);
    }

    /** Puts key {@code <prefix>/<n>}. */
    public CompletableFuture<PutResponse> put(long n) {
        PutRequest request = PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(keyPrefix + "/" + n))
                .setValue(value)
                .build();
        FutureObserver<PutResponse> observer = new FutureObserver<>();
        KVGrpc.newStub(channels.forOperation(n))
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .put(request, observer);
        return observer.future();
    }

    int valueSize() {
        return value.size();
    }

    @Override
    public void close() {
        channels.close();
    }
}
