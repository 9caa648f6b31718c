package dev.qnf.chaos.traffic;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NetworkView;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Kind;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Output;

import java.util.LinkedHashMap;
import java.util.Map;

/** Each kind of operation as one recorded call through a {@link QnfClient}. */
public final class Calls {
    public static final String VERSION_LABEL = "v";

    private final Recorder recorder;

    public Calls(Recorder recorder) {
        this.recorder = recorder;
    }

    public Recorder recorder() {
        return recorder;
    }

    public Operation allocate(String process, String server, QnfClient client, Input.Alloc in) {
        return recorder.record(process, server, Kind.ALLOCATE, in, () -> {
            Written<AllocationView> w = client.allocate(in.network(), new AllocationRequest(in.endpoint(), in.node(), null));
            return new Output.Allocated(w.value().ip(), w.created(), w.value().revision());
        });
    }

    public Operation release(String process, String server, QnfClient client, Input.Release in) {
        return recorder.record(process, server, Kind.RELEASE, in,
                () -> new Output.Deleted(client.release(in.network(), in.endpoint()).revision()));
    }

    public Operation list(String process, String server, QnfClient client, String network, boolean stale) {
        return recorder.record(process, server, stale ? Kind.LIST_STALE : Kind.LIST, new Input.ListAllocations(network),
                () -> {
                    var list = client.listAllocations(network, stale);
                    Map<String, String> ips = new LinkedHashMap<>();
                    list.allocations().forEach(a -> ips.put(a.endpoint(), a.ip()));
                    return new Output.Listing(ips, list.revision());
                });
    }

    public Operation createNetwork(String process, String server, QnfClient client, Input.NetCreate in) {
        return recorder.record(process, server, Kind.NET_CREATE, in, () -> {
            Written<NetworkView> w = client.createNetwork(spec(in.name(), in.cidr(), in.version()));
            return new Output.NetState(version(w.value()), w.created(), w.value().revision());
        });
    }

    public Operation deleteNetwork(String process, String server, QnfClient client, Input.NetKey in) {
        return recorder.record(process, server, Kind.NET_DELETE, in,
                () -> new Output.Deleted(client.deleteNetwork(in.name()).revision()));
    }

    /** A read; 404 is an answer (the register is empty), not a failure. */
    public Operation getNetwork(String process, String server, QnfClient client, Input.NetKey in) {
        return recorder.record(process, server, Kind.NET_GET, in, () -> {
            try {
                NetworkView v = client.getNetwork(in.name());
                return new Output.NetState(version(v), false, v.revision());
            } catch (QnfApiException e) {
                if (e.httpStatus() == 404 && "NOT_FOUND".equals(e.code())) {
                    return new Output.NetState(null, false, -1);
                }
                throw e;
            }
        });
    }

    /** A network at spec version {@code version}: the version is a label, so versions differ in spec. */
    public static NetworkRequest spec(String name, String cidr, int version) {
        return new NetworkRequest(name, cidr, null, null, null, null, null, null, null, null,
                version == 0 ? Map.of() : Map.of(VERSION_LABEL, Integer.toString(version)));
    }

    public static Integer version(NetworkView v) {
        String label = v.labels() == null ? null : v.labels().get(VERSION_LABEL);
        return label == null ? 0 : Integer.valueOf(label);
    }
}
