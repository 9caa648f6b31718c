package dev.qnf.api.json;

/** A network's policy default as a watch line carries it: {@code verdict} allow or deny. */
public record PolicyDefaultView(String network, String verdict) {
}
