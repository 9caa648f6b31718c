package dev.qnf.api.json;

import java.util.Map;

/** Body of {@code POST /v1/networks}. Absent fields take the server's defaults. */
public record NetworkRequest(String name, String cidr, String cidr6, String gateway, String gateway6, Integer mtu,
                             Boolean nat, Integer blockPrefix, Integer blockPrefix6, Boolean allowOverlap,
                             Map<String, String> labels) {
    /** The two required fields; the rest are defaults. */
    public static NetworkRequest of(String name, String cidr) {
        return new NetworkRequest(name, cidr, null, null, null, null, null, null, null, null, null);
    }
}
