package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;

/** {@code kind/name}; the name may itself contain slashes (an endpoint's is {@code network/id}). */
public record ResourceKey(String kind, String name) implements Comparable<ResourceKey> {
    public static final String NETWORK = "network";
    public static final String ENDPOINT = "endpoint";
    public static final String NODE = "node";
    public static final String BLOCK = "block";
    public static final String MEMBER = "member";
    public static final String POLICY = "policy";
    public static final String IDENTITY = "identity";
    public static final String POLICY_DEFAULT = "policy-default";
    public static final String JOIN_TOKEN = "join-token";
    public static final String AUDIT = "audit";
    public static final String REVOCATION = "revocation";
    public static final String USER_REVOCATION = "user-revocation";
    public static final String SITE_BINDING = "site-binding";
    public static final String CA_ROTATION = "ca-rotation";

    public static ResourceKey parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new InvalidInputException("'" + text + "' is not a resource key (want kind/name)");
        }
        return new ResourceKey(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public int compareTo(ResourceKey o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return kind + "/" + name;
    }
}
