package dev.qnf.api.grpc;

import dev.qnf.api.policy.PolicyViews;
import dev.qnf.api.service.ClusterInfo;
import dev.qnf.api.v1.Allocation;
import dev.qnf.api.v1.Block;
import dev.qnf.api.v1.ClusterMember;
import dev.qnf.api.v1.ClusterStatus;
import dev.qnf.api.v1.Event;
import dev.qnf.api.v1.Member;
import dev.qnf.api.v1.Network;
import dev.qnf.api.v1.Node;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.state.Change;

import java.util.Objects;

/** Domain records to generated messages. */
final class Protos {
    private Protos() {
    }

    static Network network(dev.qnf.fabric.model.Network n) {
        Network.Builder b = Network.newBuilder().setName(n.name()).setCidr(n.cidr().toString()).setMtu(n.mtu())
                .setNat(n.nat()).setBlockPrefix(n.blockPrefix()).setAllowOverlap(n.allowOverlap())
                .putAllLabels(n.labels());
        if (n.cidr6() != null) {
            b.setCidr6(n.cidr6().toString()).setBlockPrefix6(n.blockPrefix6());
        }
        if (n.gateway() != null) {
            b.setGateway(n.gateway().toString());
        }
        if (n.gateway6() != null) {
            b.setGateway6(n.gateway6().toString());
        }
        return b.build();
    }

    static Allocation allocation(Endpoint e) {
        Allocation.Builder b = Allocation.newBuilder().setNetwork(e.network()).setEndpoint(e.id())
                .setIp(e.ip().toString());
        if (e.ip6() != null) {
            b.setIp6(e.ip6().toString());
        }
        if (e.node() != null) {
            b.setNode(e.node());
        }
        if (e.containerId() != null) {
            b.setContainerId(e.containerId());
        }
        if (e.ifName() != null) {
            b.setIfName(e.ifName());
        }
        if (e.mac() != null) {
            b.setMac(e.mac());
        }
        return b.putAllLabels(e.labels()).build();
    }

    static Node node(dev.qnf.fabric.model.Node n) {
        return Node.newBuilder().setName(n.name()).setSite(n.site()).addAllAddresses(n.addresses())
                .setPublicKey(n.publicKey()).setLeaseExpiresAtMillis(n.leaseExpiresAtMillis()).build();
    }

    static ClusterStatus cluster(ClusterInfo c) {
        ClusterStatus.Builder b = ClusterStatus.newBuilder().setTerm(c.term()).setCommitIndex(c.commitIndex())
                .setAppliedIndex(c.appliedIndex());
        if (c.leader() != null) {
            b.setLeader(c.leader());
        }
        for (ClusterInfo.MemberInfo m : c.members()) {
            ClusterMember.Builder mb = ClusterMember.newBuilder().setId(m.id()).setAddress(m.address())
                    .setRole(m.role());
            if (m.apiAddress() != null) {
                mb.setApiAddress(m.apiAddress());
            }
            b.addMembers(mb);
        }
        return b.build();
    }

    static dev.qnf.api.v1.Resource resource(Resource r) {
        var b = dev.qnf.api.v1.Resource.newBuilder();
        if (r instanceof dev.qnf.fabric.model.Network n) {
            b.setNetwork(network(n));
        } else if (r instanceof Endpoint e) {
            b.setEndpoint(allocation(e));
        } else if (r instanceof dev.qnf.fabric.model.Node n) {
            b.setNode(node(n));
        } else if (r instanceof dev.qnf.fabric.model.Block blk) {
            Block.Builder bb = Block.newBuilder().setNetwork(blk.network()).setCidr(blk.cidr().toString());
            if (blk.node() != null) {
                bb.setNode(blk.node());
            }
            b.setBlock(bb);
        } else if (r instanceof dev.qnf.fabric.model.Member m) {
            b.setMember(Member.newBuilder().setId(m.id()).setApiAddress(Objects.toString(m.apiAddress(), ""))
                    .setRaftAddress(Objects.toString(m.raftAddress(), "")));
        } else if (r instanceof dev.qnf.fabric.model.Policy p) {
            b.setPolicy(PolicyProtos.policy(PolicyViews.view(p, null)));
        } else if (r instanceof dev.qnf.fabric.model.Identity i) {
            b.setIdentity(PolicyProtos.identity(PolicyViews.view(i)));
        } else if (r instanceof dev.qnf.fabric.model.PolicyDefault d) {
            b.setPolicyDefault(PolicyProtos.policyDefault(PolicyViews.view(d)));
        }
        return b.build();
    }

    static Event event(Change change) {
        Event.Builder b = Event.newBuilder().setKey(change.key().toString());
        if (change instanceof Change.Put put) {
            b.setType(Event.Type.PUT).setObject(resource(put.resource()));
        } else {
            b.setType(Event.Type.DELETE);
        }
        return b.build();
    }
}
