package dev.qnf.agent.reconcile;

import dev.qnf.agent.netlink.Sysctl;
import dev.qnf.agent.sys.NetNs;

import java.io.UncheckedIOException;

/** The host-wide sysctls the data plane needs. */
public interface HostSysctls {

    /** Turns on IPv4 forwarding, and IPv6 forwarding when {@code ipv6}; never turns either off. */
    void enableForwarding(boolean ipv6);

    /**
     * Whether bridged IPv4 and IPv6 traffic passes the IP hooks in {@code hostNs} (br_netfilter loaded, with
     * {@code bridge-nf-call-iptables} and {@code -ip6tables} on): policy between containers of one bridge relies on
     * it, as {@code inet qnf} sees their traffic no other way (docs/nftables.md). Only read: these are the host's.
     */
    static boolean bridgedTrafficFiltered(NetNs hostNs) {
        return hostNs.run(() -> {
            Sysctl s = Sysctl.proc();
            try {
                return "1".equals(s.read("net/bridge/bridge-nf-call-iptables"))
                        && "1".equals(s.read("net/bridge/bridge-nf-call-ip6tables"));
            } catch (UncheckedIOException e) {
                return false; // no /proc/sys/net/bridge: br_netfilter is not loaded
            }
        });
    }

    /** The sysctls of {@code hostNs}, written only when they differ. */
    static HostSysctls of(NetNs hostNs) {
        return ipv6 -> hostNs.exec(() -> {
            Sysctl s = Sysctl.proc();
            if (!"1".equals(s.read("net/ipv4/ip_forward"))) {
                s.setForwarding(4, true);
            }
            if (ipv6 && !"1".equals(s.read("net/ipv6/conf/all/forwarding"))) {
                s.setForwarding(6, true);
            }
        });
    }
}
