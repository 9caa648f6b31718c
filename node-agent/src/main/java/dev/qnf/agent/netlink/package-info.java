/**
 * The node agent's rtnetlink layer: links, addresses, routes and network sysctls, programmed through a
 * NETLINK_ROUTE socket over jnr-ffi (never by spawning {@code ip}).
 *
 * <ul>
 *   <li>{@link dev.qnf.agent.netlink.LinkOps}: what reconcile code depends on; {@link dev.qnf.agent.netlink.Rtnetlink}
 *       implements it over one socket.</li>
 *   <li>{@link dev.qnf.agent.netlink.NetlinkSocket}: request/ACK and dump exchanges, extended-ack errors
 *       ({@link dev.qnf.agent.netlink.NetlinkException}).</li>
 *   <li>{@link dev.qnf.agent.netlink.NetlinkRequest} (builder), {@link dev.qnf.agent.netlink.NetlinkMessage} and
 *       {@link dev.qnf.agent.netlink.Attributes} (parsing), the family headers, and
 *       {@link dev.qnf.agent.netlink.NetlinkConstants} under their kernel names.</li>
 *   <li>{@link dev.qnf.agent.netlink.Sysctl}: /proc/sys/net of the calling thread's namespace.</li>
 * </ul>
 *
 * See docs/netlink.md.
 */
package dev.qnf.agent.netlink;
