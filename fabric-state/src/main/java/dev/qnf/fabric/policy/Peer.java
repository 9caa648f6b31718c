package dev.qnf.fabric.policy;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;
import dev.qnf.fabric.net.Cidr;

import java.util.List;
import java.util.StringJoiner;

/**
 * The other side of a rule, in exactly one of three forms:
 * <ul>
 * <li><b>endpoints</b>: {@code endpoints} (labels), {@code namespaces} (namespace labels) and {@code networks}, all
 * of which must hold. With Kubernetes' meaning: an {@code endpoints} selector without {@code namespaces} looks only
 * in the policy's own namespace; {@code namespaces} alone means every endpoint of those namespaces; {@code networks}
 * alone means every endpoint of those networks in any namespace. Matches QNF endpoints only.</li>
 * <li><b>cidr</b> with optional {@code except} prefixes inside it: addresses that are not QNF endpoints (traffic
 * leaving or entering the fabric). An endpoint's own address never matches a CIDR peer; select endpoints by
 * labels.</li>
 * <li><b>entity</b>: {@link Entity#WORLD} (any non-endpoint address) or {@link Entity#HOST}.</li>
 * </ul>
 * A rule with no peers matches every peer, endpoints and outside alike.
 */
public record Peer(Selector endpoints, Selector namespaces, List<String> networks, Cidr cidr, List<Cidr> except,
                   Entity entity) {
    public Peer {
        networks = networks == null ? List.of() : List.copyOf(networks);
        except = except == null ? List.of() : List.copyOf(except);
        networks.forEach(Names::network);
        boolean byLabels = endpoints != null || namespaces != null || !networks.isEmpty();
        int forms = (byLabels ? 1 : 0) + (cidr != null ? 1 : 0) + (entity != null ? 1 : 0);
        if (forms != 1) {
            throw new InvalidInputException("a peer is exactly one of: endpoints/namespaces/networks selectors, a cidr, "
                    + "or an entity (world, host)");
        }
        if (!except.isEmpty() && cidr == null) {
            throw new InvalidInputException("except needs a cidr");
        }
        for (Cidr e : except) {
            if (e.family() != cidr.family() || e.prefix() < cidr.prefix() || !cidr.contains(e.base())) {
                throw new InvalidInputException("except " + e + " is not inside " + cidr);
            }
        }
    }

    public static Peer endpoints(Selector endpoints) {
        return new Peer(endpoints, null, null, null, null, null);
    }

    public static Peer endpoints(Selector endpoints, Selector namespaces) {
        return new Peer(endpoints, namespaces, null, null, null, null);
    }

    public static Peer networks(List<String> networks) {
        return new Peer(null, null, networks, null, null, null);
    }

    public static Peer cidr(Cidr cidr, List<Cidr> except) {
        return new Peer(null, null, null, cidr, except, null);
    }

    public static Peer entity(Entity entity) {
        return new Peer(null, null, null, null, null, entity);
    }

    /** Whether this peer selects endpoints (by labels, namespaces or networks) rather than addresses or entities. */
    public boolean selectsEndpoints() {
        return cidr == null && entity == null;
    }

    @Override
    public String toString() {
        if (cidr != null) {
            return except.isEmpty() ? "cidr " + cidr : "cidr " + cidr + " except " + except;
        }
        if (entity != null) {
            return entity.name().toLowerCase();
        }
        StringJoiner j = new StringJoiner(" ");
        if (endpoints != null) {
            j.add("endpoints " + endpoints);
        }
        if (namespaces != null) {
            j.add("namespaces " + namespaces);
        }
        if (!networks.isEmpty()) {
            j.add("networks " + networks);
        }
        return j.toString();
    }
}
