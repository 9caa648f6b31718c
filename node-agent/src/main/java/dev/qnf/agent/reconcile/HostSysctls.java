package dev.qnf.agent.reconcile;

import dev.qnf.agent.netlink.Sysctl;
import dev.qnf.agent.sys.NetNs;

/** The host-wide sysctls the data plane needs. */
public interface HostSysctls {

    /** Turns on IPv4 forwarding, and IPv6 forwarding when {@code ipv6}; never turns either off. */
    void enableForwarding(boolean ipv6);

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
