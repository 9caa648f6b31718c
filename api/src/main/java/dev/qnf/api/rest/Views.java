package dev.qnf.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.AuditEntryView;
import dev.qnf.api.json.BlockView;
import dev.qnf.api.json.ClusterView;
import dev.qnf.api.json.ExplainView;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.MemberView;
import dev.qnf.api.json.NetworkView;
import dev.qnf.api.json.NodeView;
import dev.qnf.api.json.TokenView;
import dev.qnf.api.json.RevocationView;
import dev.qnf.api.json.UserRevocationView;
import dev.qnf.api.json.SiteBindingView;
import dev.qnf.api.node.NodeViews;
import dev.qnf.api.policy.PolicyViews;
import dev.qnf.api.service.ClusterInfo;
import dev.qnf.fabric.model.AuditEntry;
import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.model.Revocation;
import dev.qnf.fabric.model.RevokedIdentity;
import dev.qnf.fabric.model.UserRevocation;
import dev.qnf.fabric.model.SiteBinding;
import dev.qnf.fabric.policy.Explanation;

import java.time.Instant;
import java.util.Locale;

/** Domain records to JSON views. {@code revision} null leaves it out (for objects inside watch lines). */
public final class Views {
    private Views() {
    }

    public static NetworkView network(Network n, Long revision) {
        return new NetworkView(n.name(), n.cidr().toString(), text(n.cidr6()), text(n.gateway()), text(n.gateway6()),
                n.mtu(), n.nat(), n.blockPrefix(), n.cidr6() == null ? null : n.blockPrefix6(), n.allowOverlap(),
                n.labels(), revision);
    }

    public static AllocationView allocation(Endpoint e, Long revision) {
        return allocation(e, null, revision);
    }

    private static AllocationView allocation(Endpoint e, String network, Long revision) {
        return new AllocationView(network, e.id(), e.ip().toString(), text(e.ip6()), e.node(), e.containerId(),
                e.ifName(), e.mac(), e.labels().isEmpty() ? null : e.labels(), revision);
    }

    public static NodeView node(Node n, Long revision) {
        return new NodeView(n.name(), n.site(), n.addresses(), n.publicKey(), n.leaseExpiresAtMillis(), revision,
                NodeViews.toWire(n.mesh()));
    }

    public static ClusterView cluster(ClusterInfo c) {
        return new ClusterView(c.leader(), c.term(), c.commitIndex(), c.appliedIndex(), c.members().stream()
                .map(m -> new ClusterView.Peer(m.id(), m.address(), m.apiAddress(), m.role())).toList());
    }

    public static ExplainView explain(Explanation e, long revision) {
        return new ExplainView(lower(e.verdict()), e.from(), e.to(), lower(e.proto()), e.port(), e.reasons().stream()
                .map(r -> new ExplainView.Reason(lower(r.direction()), r.endpoint(), lower(r.verdict()), r.policy(),
                        r.policy() == null ? null : r.rule(), r.text())).toList(), revision);
    }

    /** Without the secret's hash: every caller, nodes included, may read the state, and the hash is no one's business. */
    public static TokenView token(JoinToken t) {
        return new TokenView(t.id(), t.role().lower(), t.site(), t.expiresAtMillis(), t.usesLeft(), t.redeemedBy());
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    public static AuditEntryView audit(AuditEntry e) {
        return new AuditEntryView(e.seq(), e.who(), e.what(), e.object(), Instant.ofEpochMilli(e.atMillis()).toString(),
                e.revision());
    }

    public static RevocationView revocation(Revocation r, Long revision) {
        return new RevocationView(r.node(), r.serial(), Instant.ofEpochMilli(r.atMillis()).toString(), lifted(r),
                revision);
    }

    public static UserRevocationView userRevocation(UserRevocation r, Long revision) {
        return new UserRevocationView(r.user(), r.serial(), Instant.ofEpochMilli(r.atMillis()).toString(), lifted(r),
                revision);
    }

    private static String lifted(RevokedIdentity r) {
        return r.inForce() ? null : Instant.ofEpochMilli(r.liftedAtMillis()).toString();
    }

    /** Any resource as the JSON object a watch line embeds. */
    public static JsonNode object(Resource r) {
        Object view;
        if (r instanceof Network n) {
            view = network(n, null);
        } else if (r instanceof Endpoint e) {
            view = allocation(e, e.network(), null);
        } else if (r instanceof Node n) {
            view = node(n, null);
        } else if (r instanceof Block b) {
            view = new BlockView(b.network(), b.cidr().toString(), b.node());
        } else if (r instanceof Policy p) {
            view = PolicyViews.view(p, null);
        } else if (r instanceof Identity i) {
            view = PolicyViews.view(i);
        } else if (r instanceof PolicyDefault d) {
            view = PolicyViews.view(d);
        } else if (r instanceof JoinToken t) {
            view = token(t);
        } else if (r instanceof AuditEntry a) {
            view = audit(a);
        } else if (r instanceof Revocation v) {
            view = revocation(v, null);
        } else if (r instanceof UserRevocation u) {
            view = userRevocation(u, null);
        } else if (r instanceof dev.qnf.fabric.model.CaRotation c) {
            // never the sealed key, nor the certificates: who watches learns what changed, GET /v1/ca the rest
            view = java.util.Map.of("signer", c.signerPin(), "previous", c.previousPin(),
                    "rotatedAt", Instant.ofEpochMilli(c.rotatedAtMillis()).toString(),
                    "retired", c.retired());
        } else if (r instanceof SiteBinding s) {
            view = new SiteBindingView(s.node(), s.site(), s.token());
        } else {
            Member m = (Member) r;
            view = new MemberView(m.id(), m.apiAddress(), m.raftAddress());
        }
        return Json.strict().valueToTree(view);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
