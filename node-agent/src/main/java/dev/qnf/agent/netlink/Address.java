package dev.qnf.agent.netlink;

import dev.qnf.fabric.net.IpAddress;

/** An address assigned to a link: 10.0.0.2/24 on ifindex 7. */
public record Address(int linkIndex, IpAddress ip, int prefix) {
    public Address {
        if (prefix < 0 || prefix > ip.bits()) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of range for " + ip);
        }
    }

    @Override
    public String toString() {
        return ip + "/" + prefix + "@" + linkIndex;
    }
}
