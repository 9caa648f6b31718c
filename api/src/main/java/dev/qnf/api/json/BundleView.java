package dev.qnf.api.json;

/**
 * {@code GET /v1/join/bundle}: the cluster's trust bundle (PEM), public, for a joiner to check against its CA pin,
 * and the API URL the answering server announces (a joining server asks there to be added to the Raft group).
 */
public record BundleView(String bundle, String api) {
    public BundleView(String bundle) {
        this(bundle, null);
    }
}
