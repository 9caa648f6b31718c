package dev.qnf.api.server;

import dev.qnf.api.pki.CaPassphrase;
import dev.qnf.api.pki.CertificateAuthority;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.pki.TlsFiles;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A server's PKI directory ({@code <data>/pki} by default): its identity ({@link TlsFiles}) and, in {@code ca/}, the
 * cluster CA that every server holds so that any of them can issue. On start the server makes sure it has a
 * current certificate: it creates the cluster CA when it bootstraps a cluster alone, issues itself a certificate
 * from the CA it holds, and renews that certificate once half its lifetime has passed (or when it lacks one of the
 * server's host names, e.g. the certificate a token join gave it). With a {@link CaPassphrase} the CA key is kept
 * encrypted; a plain key found while a passphrase is given is encrypted in place.
 */
public final class ServerPki {
    private final Path dir;
    private final String id;
    private final List<String> hosts;
    private final Clock clock;
    private final CaPassphrase passphrase;

    public ServerPki(Path dir, String id, List<String> hosts, Clock clock) {
        this(dir, id, hosts, clock, CaPassphrase.none());
    }

    public ServerPki(Path dir, String id, List<String> hosts, Clock clock, CaPassphrase passphrase) {
        this.passphrase = passphrase;
        this.dir = dir;
        this.id = id;
        Set<String> all = new LinkedHashSet<>(hosts);
        all.add("127.0.0.1");
        all.add("localhost");
        this.hosts = List.copyOf(all);
        this.clock = clock;
    }

    public Path caDir() {
        return dir.resolve("ca");
    }

    public TlsFiles files() {
        return TlsFiles.in(dir);
    }

    public CaPassphrase passphrase() {
        return passphrase;
    }

    /** Whether this server holds the cluster CA or an identity already (a restart), i.e. needs no join token. */
    public boolean hasIdentity() {
        return ClusterPki.exists(caDir()) || files().exist();
    }

    /** This server's host names (and loopback), as its certificates carry them. */
    public List<String> hosts() {
        return hosts;
    }

    /**
     * Returns this server's identity files, creating what is missing.
     *
     * @param bootstrapAlone this server founds a cluster by itself: it may create the cluster CA
     * @param trustDomain    the cluster name for a CA created here
     */
    public TlsFiles prepare(boolean bootstrapAlone, String trustDomain) {
        if (!ClusterPki.exists(caDir()) && !files().exist()) {
            if (!bootstrapAlone) {
                throw new IllegalStateException("no TLS identity in " + dir + ": join with a server token "
                        + "(qnf token create --role server; qnf server --join JOIN-URL --token T --ca-hash H), or "
                        + "give this server the cluster CA (copy the CA directory to " + caDir() + ") or its own "
                        + "bundle.pem, cert.pem and key.pem");
            }
            ClusterPki.create(caDir(), trustDomain, clock, passphrase);
        } else if (ClusterPki.exists(caDir())) {
            // fail at start, not at the first renewal, if the key is encrypted and the passphrase missing or wrong
            ClusterPki pki = ClusterPki.load(caDir(), clock, passphrase);
            if (passphrase.isPresent() && !ClusterPki.keyEncrypted(caDir())) {
                pki.encryptKey(passphrase);
            }
        }
        renewIfDue();
        return files();
    }

    /** Issues this server a new certificate from the CA it holds if it has none or half its lifetime has passed. */
    public boolean renewIfDue() {
        if (!ClusterPki.exists(caDir())) {
            return false;   // an identity handed to us without the CA: whoever issued it renews it
        }
        if (files().exist() && !dueForRenewal(files().load(), clock.instant()) && covers(files().load(), hosts)) {
            return false;
        }
        ClusterPki pki = ClusterPki.load(caDir(), clock, passphrase);
        files().write(pki.issue(SpiffeId.server(pki.trustDomain(), id), null, hosts,
                CertificateAuthority.DEFAULT_LEAF_LIFETIME));
        return true;
    }

    /** Whether the certificate names every one of {@code hosts} (DNS or IP SAN). */
    static boolean covers(Identity identity, List<String> hosts) {
        Set<String> named = new LinkedHashSet<>();
        try {
            var sans = identity.certificate().getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.get(1) instanceof String value) {
                        named.add(normalized(value));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
        return hosts.stream().map(ServerPki::normalized).allMatch(named::contains);
    }

    private static String normalized(String host) {
        if (host.contains(":") || host.matches("[0-9.]+")) {
            try {
                return java.net.InetAddress.getByName(host).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return host;
            }
        }
        return host.toLowerCase(java.util.Locale.ROOT);
    }

    /** Past half of its lifetime (the renewal point for every holder, {@link CertificateAuthority#halfLife}). */
    public static boolean dueForRenewal(Identity identity, Instant now) {
        return !now.isBefore(CertificateAuthority.halfLife(identity.certificate()));
    }
}
