package dev.qnf.agent.mesh;

import dev.qnf.agent.nft.RulesetCompiler;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.net.UdpEndpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * How the agent joins the WireGuard mesh.
 *
 * @param ifname           the WireGuard interface (at most 15 characters; unique on the machine, see docs/mesh.md)
 * @param port             its UDP listen port
 * @param endpoint         what nodes of the same site dial: this host's underlay IP and {@code port}
 * @param publicEndpoint   what nodes of other sites dial, or null when this host is not reachable from outside its
 *                         site (behind NAT)
 * @param gateway          forward between sites for pairs that cannot reach each other (needs a public endpoint)
 * @param tunnelAddress    this node's own address on the tunnel interface, or null
 * @param keepaliveSeconds persistent keepalive towards other sites' nodes when this node is behind NAT
 * @param mtu              tunnel MTU, or 0 to derive it from the underlay link that carries {@code endpoint}
 * @param pass             how often the mesh converges without a trigger (key file change, drift)
 * @param site             the node's site (null: "default"); full mesh within a site, see {@code MeshTopology}
 */
public record MeshConfig(String ifname, int port, UdpEndpoint endpoint, UdpEndpoint publicEndpoint, boolean gateway,
                         IpAddress tunnelAddress, int keepaliveSeconds, int mtu, Duration pass, String site) {
    /** WireGuard's overhead over an IPv6 underlay: IPv6 40 + UDP 8 + WireGuard header 16 + tag 16 (see docs). */
    public static final int OVERHEAD = 80;

    public MeshConfig {
        Objects.requireNonNull(ifname, "ifname");
        Objects.requireNonNull(endpoint, "endpoint");
        if (ifname.length() > 15 || !ifname.startsWith(RulesetCompiler.MESH_IFNAME_PREFIX)
                || !ifname.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("WireGuard interface name '" + ifname + "' must start with '"
                    + RulesetCompiler.MESH_IFNAME_PREFIX + "' (the firewall knows mesh interfaces by it) and have at"
                    + " most 15 characters of [A-Za-z0-9_.-]");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("WireGuard port " + port + " out of range 1..65535");
        }
        if (gateway && publicEndpoint == null) {
            throw new IllegalArgumentException("a gateway needs --public-endpoint");
        }
        if (mtu != 0 && (mtu < 1280 || mtu > 65535)) {
            throw new IllegalArgumentException("tunnel MTU " + mtu + " out of range 1280..65535");
        }
    }

    /** The tunnel MTU for an underlay link of {@code underlayMtu}, unless set explicitly. */
    public int tunnelMtu(int underlayMtu) {
        return mtu != 0 ? mtu : underlayMtu - OVERHEAD;
    }
}
