package dev.qnf.api.json;

/** {@code GET /v1/join/bundle}: the cluster's trust bundle (PEM), public, for a joiner to check against its CA pin. */
public record BundleView(String bundle) {
}
