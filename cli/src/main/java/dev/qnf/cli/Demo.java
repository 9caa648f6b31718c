package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.AllocationRequest;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkRequest;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.PolicyFile;

import java.util.List;
import java.util.Map;

/** What {@code qnf dev --demo} shows a newcomer: a network, a few allocations, a retry, the cluster. */
final class Demo {
    private final QnfClient client;
    private final Output out;

    Demo(QnfClient client, Output out) {
        this.client = client;
        this.out = out;
    }

    void run() {
        out.line("");
        out.line("$ qnf network create demo --cidr 10.77.0.0/16 --cidr6 fd00:77::/64 --nat");
        Written<NetworkView> net = client.createNetwork(new NetworkRequest("demo", "10.77.0.0/16", "fd00:77::/64",
                null, null, null, true, null, null, null, null));
        NetworkCommand.print(out, List.of(net.value()));

        out.line("");
        out.line("$ qnf ipam allocate demo web-1 --node host-a   (and web-2 on host-a, db-1 on host-b)");
        for (String[] ep : new String[][]{{"web-1", "host-a"}, {"web-2", "host-a"}, {"db-1", "host-b"}}) {
            client.allocate("demo", new AllocationRequest(ep[0], ep[1], null));
        }
        Written<AllocationView> retry = client.allocate("demo", new AllocationRequest("web-1", "host-a", null));
        out.line("$ qnf ipam allocate demo web-1 --node host-a   (a retry: "
                + (retry.created() ? "NEW ADDRESS (unexpected)" : "same address " + retry.value().ip() + ", nothing new") + ")");
        out.line("");
        out.line("$ qnf ipam list demo");
        IpamCommand.print(out, client.listAllocations("demo").allocations());

        out.line("");
        out.line("$ qnf cluster status");
        ClusterCommand.print(out, client.cluster());
        out.line("");
        out.line("Try: curl -s " + client.endpoints().get(0) + "/v1/networks/demo/allocations");
        out.line("     kill -9 the leader's pid above, then: ./qnf cluster status; ./qnf ipam list demo");
    }

    /** Two sandboxes plugged in through the CNI plugin and the agent, then one reaching the other by name. */
    void containers(DemoSandboxes sandboxes) throws Exception {
        out.line("");
        out.line("$ (CNI ADD through the qnf plugin, as podman would) two containers: web-a and web-b");
        for (String name : List.of("web-a", "web-b")) {
            var result = sandboxes.add(name);
            out.line("  " + name + ": " + result.path("ips").get(0).path("address").asText()
                    + "  dns " + result.path("dns").path("nameservers"));
        }
        out.line("");
        out.line("$ (networks deny by default: the demo opens its network; see docs/policy.md for policies)");
        client.applyPolicies(new PolicyFile(List.of(), Map.of("demo", "allow"), List.of()));
        out.line("$ ip netns exec qnf-demo-web-a ping -c 2 web-b      # by name, through QNF's DNS on the gateway");
        out.line(sandboxes.exec("web-a", "ping", "-c", "2", "-W", "2", "web-b").stripTrailing());
        out.line("");
        out.line("Try: ip netns exec qnf-demo-web-b ping -c 1 web-a.demo.qnf.internal");
    }
}
