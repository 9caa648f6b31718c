package dev.qnf.agent.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.agent.control.ControlPlane;
import dev.qnf.agent.control.Views;
import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.agent.metrics.AgentMetrics;
import dev.qnf.agent.reconcile.DesiredState;
import dev.qnf.agent.reconcile.HostNames;
import dev.qnf.agent.reconcile.ReconcileLoop;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.PortMap;
import dev.qnf.agent.state.StateStore;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CNI verbs, one short method each, over a parsed {@link CniRequest}. ADD allocates through the control plane
 * and plugs the container in with rollback on failure; DEL treats everything already gone as success and queues the
 * release when the control plane is away; CHECK only looks; STATUS reports readiness; GC removes attachments the
 * runtime no longer lists. Kernel work happens under the reconciler's host lock; control-plane calls do not.
 */
public final class CniPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(CniPlugin.class);
    private static final Duration IDENTITY_WAIT = Duration.ofSeconds(3);
    private static final Pattern VERSION = Pattern.compile("\\\\?\"cniVersion\\\\?\"\\s*:\\s*\\\\?\"([0-9.]{1,16})\\\\?\"");

    private final String node;
    private final String domain;
    private final ControlPlane control;
    private final StateStore store;
    private final ReconcileLoop loop;
    private final Plumbing plumbing;
    private final AgentMetrics metrics;
    /** Attachments whose ADD is running: GC leaves them alone. */
    private final Set<String> inflight = ConcurrentHashMap.newKeySet();
    private final ReleaseQueue releases;

    public CniPlugin(String node, String domain, ControlPlane control, StateStore store, ReconcileLoop loop,
                     AgentMetrics metrics) {
        this.node = node;
        this.domain = domain;
        this.control = control;
        this.store = store;
        this.loop = loop;
        this.plumbing = new Plumbing(loop.reconciler().host(), loop.reconciler()::mtuOf);
        this.metrics = metrics;
        this.releases = new ReleaseQueue(store, control, metrics, inflight);
    }

    /** One call from the plugin binary, start to finish; never throws. */
    public CniResponse handle(byte[] wire) {
        long start = System.nanoTime();
        String verb = "UNKNOWN";
        String version = bestEffortVersion(wire);
        String who = "";
        try {
            CniRequest r = CniRequest.parse(wire);
            verb = r.verb().name();
            version = r.cniVersion();
            who = " container " + r.containerId() + " " + r.ifName() + " network " + r.network();
            CniResponse response = switch (r.verb()) {
                case ADD -> new CniResponse(0, json(add(r)));
                case DEL -> run(() -> del(r));
                case CHECK -> run(() -> check(r));
                case STATUS -> run(this::status);
                case GC -> run(() -> gc(r));
                case VERSION -> new CniResponse(0, json(version(r.cniVersion())));
            };
            metrics.cniCall(verb, 0);
            LOG.info("CNI {}{}: ok in {} ms", verb, who, (System.nanoTime() - start) / 1_000_000);
            return response;
        } catch (CniError e) {
            metrics.cniCall(verb, e.code());
            LOG.info("CNI {}{}: {}", verb, who, e);
            return new CniResponse(1, json(e.toJson(version)));
        } catch (RuntimeException e) {
            metrics.cniCall(verb, CniError.INTERNAL);
            LOG.error("CNI {}{}: internal error", verb, who, e);
            return new CniResponse(1, json(new CniError(CniError.INTERNAL, "qnf agent: " + e.getMessage(),
                    e.toString()).toJson(version)));
        }
    }

    // ---- ADD

    private JsonNode add(CniRequest r) {
        String network = r.network();
        String endpoint = r.endpointId();
        String key = LocalAttachment.key(network, endpoint);
        if (!NetNs.of(r.netns()).exists()) {
            throw CniError.env("CNI_NETNS " + r.netns() + " does not exist");
        }
        AddInputs in = AddInputs.of(r);
        RuntimeConfig rc = r.config().runtimeConfig();
        checkPortsFree(key, rc.ports());
        inflight.add(key);
        try {
            long t0 = System.nanoTime();
            Network net = ReleaseQueue.api(() -> control.network(network));
            Written<AllocationView> w = releases.allocate(network, endpoint, new AllocationRequest(endpoint, node,
                    in.requested(), r.containerId(), r.ifName(), rc.mac(), in.labels()));
            AllocationView v = w.value();
            String mismatch = in.mismatch(v);
            if (mismatch != null) {
                releaseIfCreated(network, endpoint, w.created());
                throw CniError.config("requested address not granted: " + mismatch);
            }
            LocalAttachment a = new LocalAttachment(network, endpoint, r.containerId(), r.ifName(), r.netns(),
                    HostNames.veth(network, endpoint), v.mac(), v.ip(), v.ip6(), rc.ports(), in.labels(),
                    Views.view(net), v.revision() == null ? 0 : v.revision());
            awaitIdentity(key, v);
            long t1 = System.nanoTime();
            Plumbing.Plugged plugged = plug(a, net, w.created());
            LOG.debug("ADD {}: allocation {} ms, host {} ms", key, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            return CniResult.of(r.cniVersion(), a, plugged, DnsRecords.searchDomains(network, domain), rc.dns(),
                    r.config().prevResult());
        } finally {
            inflight.remove(key);
        }
    }

    /**
     * Lets the watch catch up with the allocation, which created the endpoint's identity in the same write, so that
     * the rules programmed before the answer are the endpoint's own. If it does not in time, the endpoint is plugged
     * anyway with no identity, which fails closed (denied both ways) until the next pass has it.
     */
    private void awaitIdentity(String key, AllocationView v) {
        if (v.revision() == null || !control.connected()) {
            return;
        }
        try {
            if (!control.awaitRevision(v.revision(), IDENTITY_WAIT)) {
                LOG.warn("ADD {}: the view has not reached revision {} after {}; the endpoint is denied everything "
                        + "until its identity arrives", key, v.revision(), IDENTITY_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Plumbing.Plugged plug(LocalAttachment a, Network net, boolean created) {
        try {
            return locked(() -> {
                DesiredState.HostNetwork hn = new DesiredState.HostNetwork(net, HostNames.bridge(net.name()));
                checkPortsFree(a.key(), a.ports()); // again under the lock: a concurrent ADD may have taken one
                long t0 = System.nanoTime();
                loop.reconciler().ensureBridge(hn);
                long t1 = System.nanoTime();
                Plumbing.Plugged plugged = plumbing.plug(a, hn.bridge());
                long t2 = System.nanoTime();
                store.put(a);
                long t3 = System.nanoTime();
                loop.refreshRules();
                LOG.debug("ADD {}: bridge {} ms, plug {} ms, store {} ms, rules {} ms", a.key(), (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (System.nanoTime() - t3) / 1_000_000);
                return plugged;
            });
        } catch (RuntimeException e) {
            rollback(a, created);
            throw e;
        }
    }

    private void rollback(LocalAttachment a, boolean created) {
        try {
            locked(() -> {
                plumbing.unplug(a.hostIf());
                store.remove(a.network(), a.endpoint());
                loop.refreshRules();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("rollback of {} incomplete ({}); the next reconcile pass collects the rest", a.key(), e.getMessage());
        }
        releaseIfCreated(a.network(), a.endpoint(), created);
    }

    private void releaseIfCreated(String network, String endpoint, boolean created) {
        if (created) {
            store.queueRelease(network, endpoint);
            releases.release(network, endpoint);
        }
    }

    private void checkPortsFree(String key, List<PortMap> ports) {
        for (LocalAttachment other : store.attachments()) {
            if (other.key().equals(key)) {
                continue;
            }
            for (PortMap p : ports) {
                if (other.ports().stream().anyMatch(p::clashesWith)) {
                    throw new CniError(CniError.CONFLICT, "host port " + p.protocol() + "/" + p.hostPort()
                            + " is already published by container " + other.containerId());
                }
            }
        }
    }

    // ---- DEL

    private void del(CniRequest r) {
        String network = r.network();
        String endpoint = r.endpointId();
        List<String> hostIfs = new ArrayList<>();
        hostIfs.add(store.attachment(network, endpoint).map(LocalAttachment::hostIf)
                .orElse(HostNames.veth(network, endpoint)));
        hostIfs.addAll(hostInterfacesOf(r.config().prevResult()));
        teardown(network, endpoint, hostIfs);
    }

    /** Durable intent first (a queued release), then the kernel and the record, then the control plane. */
    private void teardown(String network, String endpoint, List<String> hostIfs) {
        store.queueRelease(network, endpoint);
        locked(() -> {
            hostIfs.forEach(plumbing::unplug);
            store.remove(network, endpoint);
            loop.refreshRules();
            return null;
        });
        releases.release(network, endpoint);
    }

    /** Retries queued releases; returns how many are still queued. */
    public int flushReleases() {
        return releases.flush();
    }

    /** Host-side QNF veths named in a previous result (interfaces without a sandbox). */
    private static List<String> hostInterfacesOf(JsonNode prevResult) {
        List<String> out = new ArrayList<>();
        if (prevResult != null) {
            prevResult.path("interfaces").forEach(i -> {
                String name = i.path("name").asText();
                if (!i.hasNonNull("sandbox") && name.matches(HostNames.VETH_PREFIX + "[0-9a-f]{12}")) {
                    out.add(name);
                }
            });
        }
        return out;
    }

    // ---- CHECK

    private void check(CniRequest r) {
        if (r.config().prevResult() == null) {
            throw CniError.config("CHECK needs prevResult (the result of ADD)");
        }
        LocalAttachment a = store.attachment(r.network(), r.endpointId()).orElseThrow(() -> new CniError(
                CniError.UNKNOWN_CONTAINER, "container " + r.containerId() + " has no " + r.ifName() + " on network "
                + r.network() + " here"));
        if (!NetNs.of(r.netns()).exists()) {
            throw new CniError(CniError.UNKNOWN_CONTAINER, "network namespace " + r.netns() + " does not exist");
        }
        LocalAttachment here = a.withNetns(r.netns());
        List<String> problems = locked(() -> plumbing.verify(here, HostNames.bridge(a.network())));
        List<String> expected = new ArrayList<>();
        if (a.ip() != null) {
            expected.add(a.ip());
        }
        if (a.ip6() != null) {
            expected.add(a.ip6());
        }
        Set<String> inResult = new HashSet<>(CniResult.addressesOf(r.config().prevResult(), a.ifName(), r.netns()));
        inResult.addAll(CniResult.addressesOf(r.config().prevResult(), a.ifName(), a.netns()));
        if (!inResult.equals(new HashSet<>(expected))) {
            problems.add("prevResult gives " + a.ifName() + " " + inResult + ", QNF assigned " + expected);
        }
        if (!problems.isEmpty()) {
            throw new CniError(CniError.CHECK_FAILED, "container " + r.containerId() + " on network " + r.network()
                    + " is not as QNF set it up", String.join("; ", problems));
        }
    }

    // ---- STATUS

    private void status() {
        if (!control.connected()) {
            throw new CniError(CniError.NOT_AVAILABLE, "plugin not available: the QNF control plane is unreachable",
                    "existing containers keep working; new ones wait until it is back");
        }
        if (!loop.programmed()) {
            throw new CniError(CniError.NOT_AVAILABLE, "plugin not available: the host is not programmed yet");
        }
    }

    // ---- GC

    private void gc(CniRequest r) {
        String network = r.network();
        Set<String> valid = new HashSet<>(r.config().validAttachments());
        for (LocalAttachment a : store.attachments()) {
            if (a.network().equals(network) && !valid.contains(a.containerId() + "/" + a.ifName())
                    && !inflight.contains(a.key())) {
                LOG.info("GC: removing {} (container {} {})", a.key(), a.containerId(), a.ifName());
                teardown(network, a.endpoint(), List.of(a.hostIf()));
            }
        }
        for (Endpoint e : control.view().endpointsOn(node)) {
            String key = LocalAttachment.key(e.network(), e.id());
            if (e.network().equals(network) && e.containerId() != null
                    && !valid.contains(e.containerId() + "/" + e.ifName()) && !inflight.contains(key)
                    && store.attachment(e.network(), e.id()).isEmpty()) {
                LOG.info("GC: releasing {} (container {} {}, no local record)", key, e.containerId(), e.ifName());
                teardown(network, e.id(), List.of(HostNames.veth(network, e.id())));
            }
        }
        loop.trigger();
    }

    // ---- helpers

    private static JsonNode version(String version) {
        var o = JsonFields.JSON.createObjectNode().put("cniVersion", version);
        CniVersions.SUPPORTED.forEach(o.putArray("supportedVersions")::add);
        return o;
    }

    private <T> T locked(Callable<T> work) {
        try {
            return loop.reconciler().locked(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static CniResponse run(Runnable verb) {
        verb.run();
        return CniResponse.EMPTY;
    }

    private static byte[] json(JsonNode node) {
        try {
            return JsonFields.JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request's cniVersion for an error object, even when the request did not parse. */
    static String bestEffortVersion(byte[] wire) {
        Matcher m = VERSION.matcher(new String(wire, StandardCharsets.UTF_8));
        if (m.find() && CniVersions.supported(m.group(1))) {
            return m.group(1);
        }
        return CniVersions.LATEST;
    }
}
