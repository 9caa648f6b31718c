package dev.qnf.api.json;

/**
 * One test of a policy file: traffic {@code from} → {@code to} on {@code proto} (tcp when absent) and {@code port}
 * must get {@code expect} ({@code allow} or {@code deny}).
 */
public record PolicyTestView(String from, String to, Integer port, String proto, String expect) {
}
