package dev.qnf.api.pki;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * A workload identity, {@code spiffe://<trustDomain>/<kind>/<name>}, as carried in a certificate's URI SAN.
 *
 * @param trustDomain the cluster name (a DNS-style name)
 * @param kind        server, node or user
 * @param name        the server id, node name or user name
 */
public record SpiffeId(String trustDomain, Kind kind, String name) {
    public enum Kind {
        SERVER, NODE, USER;

        String segment() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The URI SAN type number in {@link X509Certificate#getSubjectAlternativeNames()}. */
    private static final int URI_SAN = 6;

    public SpiffeId {
        checkTrustDomain(trustDomain);
        if (kind == null) {
            throw new InvalidInputException("a SPIFFE ID needs a kind");
        }
        Names.node(name);
    }

    public static SpiffeId server(String trustDomain, String id) {
        return new SpiffeId(trustDomain, Kind.SERVER, id);
    }

    public static SpiffeId node(String trustDomain, String name) {
        return new SpiffeId(trustDomain, Kind.NODE, name);
    }

    public static SpiffeId user(String trustDomain, String name) {
        return new SpiffeId(trustDomain, Kind.USER, name);
    }

    public static SpiffeId parse(String uri) {
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("not a SPIFFE ID: " + uri);
        }
        String[] path = u.getPath() == null ? new String[0] : u.getPath().split("/");
        if (!"spiffe".equals(u.getScheme()) || u.getHost() == null || path.length != 3 || !path[0].isEmpty()) {
            throw new InvalidInputException("not a QNF SPIFFE ID (spiffe://<cluster>/<server|node|user>/<name>): " + uri);
        }
        Kind kind;
        try {
            kind = Kind.valueOf(path[1].toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unknown identity kind '" + path[1] + "' in " + uri);
        }
        return new SpiffeId(u.getHost(), kind, path[2]);
    }

    /** The one SPIFFE ID in a leaf certificate's URI SANs. */
    public static SpiffeId of(X509Certificate cert) {
        List<String> uris = uris(cert).stream().filter(u -> u.startsWith("spiffe://")).toList();
        if (uris.size() != 1) {
            throw new InvalidInputException("a QNF certificate carries exactly one spiffe:// URI SAN, this one has "
                    + uris.size() + " (" + cert.getSubjectX500Principal() + ")");
        }
        return parse(uris.get(0));
    }

    static List<String> uris(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return List.of();
            }
            return sans.stream().filter(s -> ((Integer) s.get(0)) == URI_SAN).map(s -> (String) s.get(1)).toList();
        } catch (CertificateParsingException e) {
            throw new InvalidInputException("unreadable subject alternative names: " + e.getMessage());
        }
    }

    static void checkTrustDomain(String trustDomain) {
        if (trustDomain == null || !trustDomain.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
            throw new InvalidInputException("invalid cluster (trust domain) name '" + trustDomain
                    + "': lower-case letters, digits, '.' and '-'");
        }
    }

    public URI uri() {
        return URI.create(toString());
    }

    @Override
    public String toString() {
        return "spiffe://" + trustDomain + "/" + kind.segment() + "/" + name;
    }
}
