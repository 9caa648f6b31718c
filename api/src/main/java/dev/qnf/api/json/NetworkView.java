package dev.qnf.api.json;

import java.util.Map;

/**
 * A network as the API shows it. {@code revision} is the revision of the state the answer reflects; it is absent
 * when the network is embedded in a watch event, whose line carries the revision.
 */
public record NetworkView(String name, String cidr, String cidr6, String gateway, String gateway6, int mtu,
                          boolean nat, int blockPrefix, Integer blockPrefix6, boolean allowOverlap,
                          Map<String, String> labels, Long revision) {
}
