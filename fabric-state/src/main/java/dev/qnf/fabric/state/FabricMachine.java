package dev.qnf.fabric.state;

import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.command.AnnounceMember;
import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.command.CreateToken;
import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.DeletePolicy;
import dev.qnf.fabric.command.DeleteToken;
import dev.qnf.fabric.command.LabelEndpoint;
import dev.qnf.fabric.command.PruneExpiredToken;
import dev.qnf.fabric.command.RedeemToken;
import dev.qnf.fabric.command.RegisterNode;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.command.RemoveMember;
import dev.qnf.fabric.command.RemoveNode;
import dev.qnf.fabric.command.RevokeNode;
import dev.qnf.fabric.command.RevokeUser;
import dev.qnf.fabric.command.UnrevokeNode;
import dev.qnf.fabric.command.UnrevokeUser;
import dev.qnf.fabric.command.RetireOldCa;
import dev.qnf.fabric.command.RotateCa;
import dev.qnf.fabric.model.Attachment;
import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.CaRotation;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.JoinRole;
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
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.PolicyEngine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what each command does to an image. Deterministic: the same image and command give the same decision
 * on every replica, so it reads no clock, no randomness and nothing but its arguments. It changes nothing itself;
 * {@link FabricImage#apply} does.
 */
public final class FabricMachine {
    private FabricMachine() {
    }

    public static Decision decide(FabricImage image, Command command) {
        if (command instanceof Attributed a) {
            if (a.command() instanceof RevokeUser r && r.isCalledBy(a.who())) {
                // the one decision that depends on who asks: an admin locking itself (maybe the last admin) out
                return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "user " + r.name() + " may not revoke "
                        + "itself (the identity this request is made with): revoke it as another admin");
            }
            return decide(image, a.command());   // who and when change nothing else; AuditTrail records them
        }
        return Identities.follow(image, decideAlone(image, command));
    }

    private static Decision decideAlone(FabricImage image, Command command) {
        try {
            if (command instanceof CreateNetwork c) {
                return createNetwork(image, c.spec());
            } else if (command instanceof DeleteNetwork c) {
                return deleteNetwork(image, c.name());
            } else if (command instanceof Allocate c) {
                return allocate(image, c);
            } else if (command instanceof Release c) {
                return release(image, c);
            } else if (command instanceof RegisterNode c) {
                return registerNode(image, c.node());
            } else if (command instanceof RemoveNode c) {
                return removeNode(image, c.name());
            } else if (command instanceof AnnounceMember c) {
                return announceMember(image, c.member());
            } else if (command instanceof RemoveMember c) {
                return removeMember(image, c.id());
            } else if (command instanceof ApplyPolicies c) {
                return applyPolicies(image, c);
            } else if (command instanceof DeletePolicy c) {
                return deletePolicy(image, c);
            } else if (command instanceof LabelEndpoint c) {
                return labelEndpoint(image, c);
            } else if (command instanceof CreateToken c) {
                return createToken(image, c.token());
            } else if (command instanceof RedeemToken c) {
                return redeemToken(image, c);
            } else if (command instanceof DeleteToken c) {
                return deleteToken(image, c.id());
            } else if (command instanceof RevokeNode c) {
                return revoke(image.revocation(c.name()), new Revocation(c.name(), c.serial(), c.atMillis()));
            } else if (command instanceof RevokeUser c) {
                return revoke(image.userRevocation(c.name()), new UserRevocation(c.name(), c.serial(), c.atMillis(), 0));
            } else if (command instanceof UnrevokeNode c) {
                return unrevoke(image.revocation(c.name()), r -> r.lifted(c.atMillis()), "node " + c.name());
            } else if (command instanceof UnrevokeUser c) {
                return unrevoke(image.userRevocation(c.name()), r -> r.lifted(c.atMillis()), "user " + c.name());
            } else if (command instanceof PruneExpiredToken c) {
                return pruneExpiredToken(image, c);
            } else if (command instanceof RotateCa c) {
                return rotateCa(image, c.rotation());
            } else if (command instanceof RetireOldCa c) {
                return retireOldCa(image, c);
            }
            throw new IllegalStateException("unhandled command " + command);
        } catch (AddressPicker.Refusal r) {
            return Decision.rejected(r.code, r.getMessage());
        }
    }

    private static Decision createNetwork(FabricImage image, Network spec) {
        Optional<Network> existing = image.network(spec.name());
        if (existing.isPresent()) {
            if (existing.get().sameSpec(spec)) {
                return new Decision(List.of(), Reply.ok(existing.get(), false));
            }
            return Decision.rejected(ErrorCode.ALREADY_EXISTS,
                    "network " + spec.name() + " already exists with a different spec");
        }
        if (!spec.allowOverlap()) {
            for (Network other : image.networks()) {
                if (other.allowOverlap()) {
                    continue;
                }
                String clash = overlap(spec, other);
                if (clash != null) {
                    return Decision.rejected(ErrorCode.ALREADY_EXISTS, clash
                            + " (set allowOverlap on both networks to permit it)");
                }
            }
        }
        return new Decision(List.of(new Change.Put(spec)), Reply.ok(spec, true));
    }

    private static String overlap(Network a, Network b) {
        if (a.cidr().overlaps(b.cidr())) {
            return a.cidr() + " overlaps network " + b.name() + "'s " + b.cidr();
        }
        if (a.cidr6() != null && b.cidr6() != null && a.cidr6().overlaps(b.cidr6())) {
            return a.cidr6() + " overlaps network " + b.name() + "'s " + b.cidr6();
        }
        return null;
    }

    private static Decision deleteNetwork(FabricImage image, String name) {
        if (image.network(name).isEmpty()) {
            return Decision.rejected(ErrorCode.NOT_FOUND, "network " + name + " not found");
        }
        int endpoints = image.endpoints(name).size();
        if (endpoints > 0) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "network " + name + " still has "
                    + endpoints + " endpoint(s); release them first");
        }
        List<Change> changes = new ArrayList<>();
        image.blocks(name).forEach(b -> changes.add(new Change.Delete(b.key())));
        image.policyDefaults().stream().filter(d -> d.network().equals(name))
                .forEach(d -> changes.add(new Change.Delete(d.key())));
        changes.add(new Change.Delete(Network.keyOf(name)));
        return new Decision(changes, Reply.ok(null, false));
    }

    private static Decision allocate(FabricImage image, Allocate c) {
        Optional<Network> found = image.network(c.network());
        if (found.isEmpty()) {
            return Decision.rejected(ErrorCode.NOT_FOUND, "network " + c.network() + " not found");
        }
        Network network = found.get();
        Optional<Endpoint> existing = image.endpoint(c.network(), c.endpoint());
        if (existing.isPresent()) {
            return retriedAllocation(existing.get(), c);
        }
        List<Change> changes = new ArrayList<>();
        IpAddress ip = pick(image, network, 4, c, changes);
        IpAddress ip6 = network.cidr6() == null ? null : pick(image, network, 6, c, changes);
        Endpoint endpoint = attach(new Endpoint(c.network(), c.endpoint(), c.node(), ip, ip6, null, null, null, Map.of()),
                c.attachment());
        changes.add(new Change.Put(endpoint));
        return new Decision(changes, Reply.ok(endpoint, true));
    }

    private static Endpoint attach(Endpoint e, Attachment a) {
        if (a == null) {
            return e;
        }
        String mac = a.mac() != null ? a.mac() : Endpoint.macFor(e.ip());
        return new Endpoint(e.network(), e.id(), e.node(), e.ip(), e.ip6(), a.containerId(), a.ifName(), mac, a.labels());
    }

    /**
     * The same endpoint asking again gets its first answer; an address-only allocation may be attached later;
     * a conflicting ask is refused.
     */
    private static Decision retriedAllocation(Endpoint existing, Allocate c) {
        if (c.node() != null && !c.node().equals(existing.node())) {
            return Decision.rejected(ErrorCode.ALREADY_EXISTS, "endpoint " + c.endpoint()
                    + " is already allocated on node " + existing.node());
        }
        if (c.ip() != null && !c.ip().equals(existing.ip()) && !c.ip().equals(existing.ip6())) {
            return Decision.rejected(ErrorCode.ALREADY_EXISTS, "endpoint " + c.endpoint()
                    + " already holds " + existing.ip() + ", not " + c.ip());
        }
        Endpoint attached = attach(existing, c.attachment());
        if (c.attachment() == null || attached.equals(existing)) {
            return new Decision(List.of(), Reply.ok(existing, false));
        }
        if (existing.containerId() != null && !existing.containerId().equals(c.attachment().containerId())) {
            return Decision.rejected(ErrorCode.ALREADY_EXISTS, "endpoint " + c.endpoint()
                    + " is attached to container " + existing.containerId());
        }
        return new Decision(List.of(new Change.Put(attached)), Reply.ok(attached, false));
    }

    private static IpAddress pick(FabricImage image, Network network, int family, Allocate c, List<Change> changes) {
        AddressPicker picker = new AddressPicker(image, network, family);
        AddressPicker.Pick pick;
        if (c.ip() != null && c.ip().family() == family) {
            pick = picker.pickExact(c.ip(), c.node());
        } else {
            pick = picker.pick(c.node()).orElseThrow(() -> new AddressPicker.Refusal(ErrorCode.RESOURCE_EXHAUSTED,
                    "network " + network.name() + " has no free IPv" + family + " address in "
                            + network.prefixFor(family)));
        }
        if (pick.newBlock() != null) {
            changes.add(new Change.Put(pick.newBlock()));
        }
        return pick.address();
    }

    private static Decision release(FabricImage image, Release c) {
        if (image.network(c.network()).isEmpty()) {
            return Decision.rejected(ErrorCode.NOT_FOUND, "network " + c.network() + " not found");
        }
        return image.endpoint(c.network(), c.endpoint())
                .map(e -> new Decision(List.of(new Change.Delete(e.key())), Reply.ok(e, false)))
                .orElseGet(() -> new Decision(List.of(), Reply.ok(null, false)));
    }

    private static Decision registerNode(FabricImage image, Node node) {
        Optional<SiteBinding> bound = image.siteBinding(node.name());
        if (bound.isPresent() && !bound.get().site().equals(node.site())) {
            return Decision.rejected(ErrorCode.PERMISSION_DENIED, "node " + node.name() + " joined site "
                    + bound.get().site() + " with join token " + bound.get().token() + " and may not register in site "
                    + node.site() + " (to move it, join it again with a token of that site)");
        }
        Optional<Node> existing = image.node(node.name());
        if (existing.isPresent() && existing.get().equals(node)) {
            return new Decision(List.of(), Reply.ok(node, false));
        }
        return new Decision(List.of(new Change.Put(node)), Reply.ok(node, existing.isEmpty()));
    }

    /**
     * Idempotent: revoking a revoked name keeps the first record; a lifted revocation is replaced by the new one, in
     * force. The node record itself (for a node) is left alone.
     */
    private static <R extends Resource & RevokedIdentity> Decision revoke(Optional<R> existing, R revocation) {
        if (existing.isPresent() && existing.get().inForce()) {
            return new Decision(List.of(), Reply.ok(existing.get(), false));
        }
        return new Decision(List.of(new Change.Put(revocation)), Reply.ok(revocation, true));
    }

    /**
     * Lifts a revocation in force at the command's time, keeping the record as the cut-off older certificates stay
     * refused by; idempotent (a lifted one keeps its first lift, so a retry does not move the cut-off). A name never
     * revoked: NOT_FOUND, so a typo does not pass for a success.
     */
    private static <R extends Resource & RevokedIdentity> Decision unrevoke(Optional<R> existing,
                                                                             java.util.function.UnaryOperator<R> lift,
                                                                             String what) {
        if (existing.isEmpty()) {
            return Decision.rejected(ErrorCode.NOT_FOUND, what + " is not revoked");
        }
        if (!existing.get().inForce()) {
            return new Decision(List.of(), Reply.ok(existing.get(), false));
        }
        R lifted = lift.apply(existing.get());
        return new Decision(List.of(new Change.Put(lifted)), Reply.ok(lifted, false));
    }

    private static Decision removeNode(FabricImage image, String name) {
        Optional<Node> existing = image.node(name);
        if (existing.isEmpty()) {
            return Decision.rejected(ErrorCode.NOT_FOUND, "node " + name + " not found");
        }
        List<Change> changes = new ArrayList<>();
        for (Network n : image.networks()) {
            for (Block b : image.blocks(n.name())) {
                if (name.equals(b.node()) && blockIsEmpty(image, n, b)) {
                    changes.add(new Change.Delete(b.key()));
                }
            }
        }
        changes.add(new Change.Delete(existing.get().key()));
        return new Decision(changes, Reply.ok(existing.get(), false));
    }

    private static boolean blockIsEmpty(FabricImage image, Network n, Block b) {
        return image.endpoints(n.name()).stream()
                .noneMatch(e -> b.cidr().contains(e.ip()) || (e.ip6() != null && b.cidr().contains(e.ip6())));
    }

    private static Decision announceMember(FabricImage image, Member member) {
        boolean known = image.members().stream().anyMatch(m -> m.id().equals(member.id()));
        boolean same = image.members().stream().anyMatch(m -> m.equals(member));
        if (same) {
            return new Decision(List.of(), Reply.ok(member, false));
        }
        return new Decision(List.of(new Change.Put(member)), Reply.ok(member, !known));
    }

    private static Decision removeMember(FabricImage image, String id) {
        return image.members().stream().filter(m -> Objects.equals(m.id(), id)).findFirst()
                .map(m -> new Decision(List.of(new Change.Delete(m.key())), Reply.ok(m, false)))
                .orElseGet(() -> new Decision(List.of(), Reply.ok(null, false)));
    }

    /** Puts the policies and defaults that differ, then rejects the lot if any test fails on the resulting image. */
    private static Decision applyPolicies(FabricImage image, ApplyPolicies c) {
        List<Change> changes = new ArrayList<>();
        boolean created = false;
        for (PolicyDefault d : c.defaults()) {
            if (image.network(d.network()).isEmpty()) {
                return Decision.rejected(ErrorCode.NOT_FOUND, "network " + d.network() + " not found");
            }
            if (image.policyDefaults().stream().noneMatch(d::equals)) {
                changes.add(new Change.Put(d));
            }
        }
        for (Policy p : c.policies()) {
            Optional<Policy> existing = image.policy(p.namespace(), p.name());
            created |= existing.isEmpty();
            if (existing.isEmpty() || !existing.get().equals(p)) {
                changes.add(new Change.Put(p));
            }
        }
        List<PolicyEngine.Failure> failures = PolicyEngine.check(image.apply(changes, image.revision() + 1),
                c.tests());
        if (!failures.isEmpty()) {
            StringBuilder msg = new StringBuilder(failures.size() + " of " + c.tests().size()
                    + " policy test(s) failed; nothing applied:");
            failures.forEach(f -> msg.append("\n").append(f));
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, msg.toString());
        }
        Policy only = c.policies().size() == 1 ? c.policies().get(0) : null;
        return new Decision(changes, Reply.ok(only, created));
    }

    private static Decision deletePolicy(FabricImage image, DeletePolicy c) {
        return image.policy(c.namespace(), c.name())
                .map(p -> new Decision(List.of(new Change.Delete(p.key())), Reply.ok(p, false)))
                .orElseGet(() -> Decision.rejected(ErrorCode.NOT_FOUND,
                        "policy " + c.namespace() + "/" + c.name() + " not found"));
    }

    private static Decision labelEndpoint(FabricImage image, LabelEndpoint c) {
        if (image.network(c.network()).isEmpty()) {
            return Decision.rejected(ErrorCode.NOT_FOUND, "network " + c.network() + " not found");
        }
        Optional<Endpoint> found = image.endpoint(c.network(), c.endpoint());
        if (found.isEmpty()) {
            return Decision.rejected(ErrorCode.NOT_FOUND, "endpoint " + c.network() + "/" + c.endpoint() + " not found");
        }
        Endpoint e = found.get();
        Map<String, String> labels = new LinkedHashMap<>(e.labels());
        labels.putAll(c.set());
        c.remove().forEach(labels::remove);
        if (labels.size() > 64) {
            return Decision.rejected(ErrorCode.INVALID_ARGUMENT, "endpoint would have " + labels.size()
                    + " labels; at most 64");
        }
        if (labels.equals(e.labels())) {
            return new Decision(List.of(), Reply.ok(e, false));
        }
        Endpoint labelled = new Endpoint(e.network(), e.id(), e.node(), e.ip(), e.ip6(), e.containerId(), e.ifName(),
                e.mac(), labels);
        return new Decision(List.of(new Change.Put(labelled)), Reply.ok(labelled, false));
    }

    private static Decision createToken(FabricImage image, JoinToken token) {
        if (image.token(token.id()).isPresent()) {
            return Decision.rejected(ErrorCode.ALREADY_EXISTS, "token " + token.id() + " already exists");
        }
        return new Decision(List.of(new Change.Put(token)), Reply.ok(token, true));
    }

    /**
     * Applied in log order, so of two redemptions of a token's last use (through any servers) exactly the first
     * succeeds. An unknown id and a wrong secret get the same answer, so a caller learns nothing about which ids
     * exist.
     */
    private static Decision redeemToken(FabricImage image, RedeemToken c) {
        Optional<JoinToken> found = image.token(c.id());
        if (found.isEmpty() || !MessageDigest.isEqual(found.get().secretHash().getBytes(StandardCharsets.US_ASCII),
                c.secretHash().getBytes(StandardCharsets.US_ASCII))) {
            return Decision.rejected(ErrorCode.NOT_FOUND, "unknown join token or wrong secret");
        }
        JoinToken token = found.get();
        if (c.role() != null && c.role() != token.role()) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "join token " + token.id() + " is for a "
                    + token.role().lower() + ", not a " + c.role().lower() + " (qnf token create --role "
                    + c.role().lower() + ")");
        }
        if (token.role() == JoinRole.NODE && token.site() != null && c.site() != null && !c.site().equals(token.site())) {
            return Decision.rejected(ErrorCode.INVALID_ARGUMENT, "join token " + token.id() + " is for site "
                    + token.site() + ", not " + c.site() + " (leave the site out to take the token's)");
        }
        if (c.nowMillis() >= token.expiresAtMillis()) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "join token " + token.id() + " has expired");
        }
        if (token.usesLeft() == 0) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "join token " + token.id() + " is used up");
        }
        if (token.role() == JoinRole.NODE && image.revocation(c.subject()).filter(Revocation::inForce).isPresent()) {
            // a revoked identity does not come back through a new join: no certificate is issued for it
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "node " + c.subject() + " is revoked (qnf node revoke)");
        }
        JoinToken used = token.redeemedBy(c.subject());
        List<Change> changes = new ArrayList<>(List.of(new Change.Put(used)));
        if (token.role() == JoinRole.NODE && token.site() != null) {
            // the node is in the token's site from now on: its registrations elsewhere are refused (registerNode)
            changes.add(new Change.Put(new SiteBinding(c.subject(), token.site(), token.id())));
        }
        return new Decision(changes, Reply.ok(used, false));
    }

    /**
     * Deletes the token if it has expired at the command's time (which redemptions then refuse anyway); else, or if
     * it is gone, nothing. Judged on the command's clock only, so a replica applying it later agrees.
     */
    private static Decision pruneExpiredToken(FabricImage image, PruneExpiredToken c) {
        return image.token(c.id()).filter(t -> c.nowMillis() >= t.expiresAtMillis())
                .map(t -> new Decision(List.of(new Change.Delete(t.key())), Reply.ok(null, false)))
                .orElseGet(() -> new Decision(List.of(), Reply.ok(null, false)));
    }

    /**
     * One rotation at a time: the next starts once the old CA of the last is retired, and only from the CA that
     * signs now (a proposer that has not installed the last rotation's CA would roll the cluster back to a CA
     * that is no longer the signer).
     */
    private static Decision rotateCa(FabricImage image, CaRotation next) {
        Optional<CaRotation> last = image.caRotation();
        if (last.isPresent() && !last.get().retired()) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "a CA rotation is in progress (to "
                    + last.get().signerPin() + " at " + java.time.Instant.ofEpochMilli(last.get().rotatedAtMillis())
                    + "): retire the old CA first (qnf ca retire-old), then rotate again");
        }
        if (last.isPresent() && !last.get().signerPin().equals(next.previousPin())) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "the CA this rotation replaces ("
                    + next.previousPin() + ") is not the cluster's signer (" + last.get().signerPin() + "): the "
                    + "server taking the request has not caught up with the last rotation; retry shortly");
        }
        return new Decision(List.of(new Change.Put(next)), Reply.ok(next, true));
    }

    /** Idempotent once retired; otherwise only after the overlap every leaf of the old CA needs to expire. */
    private static Decision retireOldCa(FabricImage image, RetireOldCa c) {
        Optional<CaRotation> last = image.caRotation();
        if (last.isEmpty()) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "the cluster CA was never rotated: there is no "
                    + "old CA to retire");
        }
        CaRotation rotation = last.get();
        if (rotation.retired()) {
            return new Decision(List.of(), Reply.ok(rotation, false));
        }
        if (!c.force() && c.nowMillis() < rotation.retirableAtMillis()) {
            return Decision.rejected(ErrorCode.FAILED_PRECONDITION, "the old CA " + rotation.previousPin()
                    + " can be retired from " + java.time.Instant.ofEpochMilli(rotation.retirableAtMillis())
                    + " (the rotation at " + java.time.Instant.ofEpochMilli(rotation.rotatedAtMillis())
                    + " plus 24 h, the longest leaf lifetime, plus 1 h): until then certificates it issued may still "
                    + "be in use. --force retires it now, refusing them (qnf ca retire-old --force)");
        }
        CaRotation retired = rotation.retiredAt(Math.max(c.nowMillis(), rotation.rotatedAtMillis()));
        return new Decision(List.of(new Change.Put(retired)), Reply.ok(retired, true));
    }

    private static Decision deleteToken(FabricImage image, String id) {
        return image.token(id)
                .map(t -> new Decision(List.of(new Change.Delete(t.key())), Reply.ok(null, false)))
                .orElseGet(() -> Decision.rejected(ErrorCode.NOT_FOUND, "token " + id + " not found"));
    }
}
