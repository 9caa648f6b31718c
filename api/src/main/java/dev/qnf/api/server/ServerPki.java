package dev.qnf.api.server;

import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Identity;
import dev.qnf.api.pki.SpiffeId;
import dev.qnf.api.pki.TlsFiles;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A server's PKI directory ({@code <data>/pki} by default): its identity ({@link TlsFiles}) and, in {@code ca/}, the
 * cluster CA that every server holds so that any of them can issue. On start the server makes sure it has a
 * current certificate: it creates the cluster CA when it bootstraps a cluster alone, issues itself a certificate
 * from the CA it holds, and renews that certificate once half its lifetime has passed.
 */
public final class ServerPki {
    private final Path dir;
    private final String id;
    private final List<String> hosts;
    private final Clock clock;

    public ServerPki(Path dir, String id, List<String> hosts, Clock clock) {
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

    /**
     * Returns this server's identity files, creating what is missing.
     *
     * @param bootstrapAlone this server founds a cluster by itself: it may create the cluster CA
     * @param trustDomain    the cluster name for a CA created here
     */
    public TlsFiles prepare(boolean bootstrapAlone, String trustDomain) {
        if (!ClusterPki.exists(caDir()) && !files().exist()) {
            if (!bootstrapAlone) {
                throw new IllegalStateException("no TLS identity in " + dir + ": give this server the cluster CA "
                        + "(copy the CA directory to " + caDir() + ", as qnf dev does) or its own bundle.pem, cert.pem "
                        + "and key.pem");
            }
            ClusterPki.create(caDir(), trustDomain, clock);
        }
        renewIfDue();
        return files();
    }

    /** Issues this server a new certificate from the CA it holds if it has none or half its lifetime has passed. */
    public boolean renewIfDue() {
        if (!ClusterPki.exists(caDir())) {
            return false;   // an identity handed to us without the CA: whoever issued it renews it
        }
        if (files().exist() && !dueForRenewal(files().load(), clock.instant())) {
            return false;
        }
        ClusterPki pki = ClusterPki.load(caDir(), clock);
        files().write(pki.issue(SpiffeId.server(pki.trustDomain(), id), null, hosts,
                dev.qnf.api.pki.CertificateAuthority.DEFAULT_LEAF_LIFETIME));
        return true;
    }

    /** Past half of its lifetime (the renewal point for every holder), or issued by a CA no longer trusted. */
    public static boolean dueForRenewal(Identity identity, Instant now) {
        Instant from = identity.certificate().getNotBefore().toInstant();
        Instant to = identity.notAfter();
        Instant half = from.plus(Duration.between(from, to).dividedBy(2));
        return !now.isBefore(half);
    }
}
