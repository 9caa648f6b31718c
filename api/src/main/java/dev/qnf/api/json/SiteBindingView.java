package dev.qnf.api.json;

/** The site a node joined into with a site-bound join token (and the token's id): its node record must carry it. */
public record SiteBindingView(String node, String site, String token) {
}
