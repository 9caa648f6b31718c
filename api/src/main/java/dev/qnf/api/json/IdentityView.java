package dev.qnf.api.json;

import java.util.Map;

/** A numeric identity and the network and identity labels it stands for. */
public record IdentityView(long id, String network, Map<String, String> labels) {
}
