package dev.qnf.agent.reconcile;

import dev.qnf.agent.netlink.Sysctl;
import dev.qnf.agent.sys.KernelModules;
import dev.qnf.agent.sys.NetNs;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

    /**
     * Makes bridged traffic pass the IP hooks in {@code hostNs}, as Docker does for its bridges: loads br_netfilter
     * when it is missing ({@code modprobe}, at start only) and turns {@code bridge-nf-call-iptables} and
     * {@code -ip6tables} on where they are off. Without it, default deny would silently not hold between containers
     * of one network on one host. Returns what still stands in the way, empty when bridged traffic is filtered.
     */
    static Optional<String> filterBridgedTraffic(NetNs hostNs) {
        if (!Files.isDirectory(Path.of("/proc/sys/net/bridge"))) {
            Optional<String> failed = KernelModules.load("br_netfilter");
            if (failed.isPresent()) {
                return failed;
            }
        }
        try {
            hostNs.exec(() -> {
                Sysctl s = Sysctl.proc();
                for (String key : List.of("net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables")) {
                    if (!"1".equals(s.read(key))) {
                        s.write(key, "1");
                    }
                }
            });
        } catch (UncheckedIOException e) {
            return Optional.of(e.getMessage()); // e.g. no /proc/sys/net/bridge in hostNs: the module is not there
        }
        return bridgedTrafficFiltered(hostNs) ? Optional.empty() : Optional.of("the settings did not stay on");
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
