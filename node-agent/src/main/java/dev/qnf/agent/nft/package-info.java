/**
 * The node agent's nftables layer: QNF's firewall and NAT, programmed through libnftables (jnr-ffi), never by
 * spawning {@code nft}.
 * <ul>
 *   <li>{@link dev.qnf.agent.nft.Firewall}: what the reconcile logic depends on; {@link dev.qnf.agent.nft.NftFirewall}
 *       implements it in a network namespace.</li>
 *   <li>{@link dev.qnf.agent.nft.Ruleset}: the desired state (networks, endpoints, published ports), a value.</li>
 *   <li>{@link dev.qnf.agent.nft.RulesetCompiler}: desired state to nft scripts: full, incremental, adoption.</li>
 *   <li>{@link dev.qnf.agent.nft.Nftables}: one libnftables context; one script is one kernel transaction.</li>
 * </ul>
 * QNF's rules live only in tables {@code inet qnf}, {@code ip qnf-nat} and {@code ip6 qnf-nat}. See docs/nftables.md.
 */
package dev.qnf.agent.nft;
