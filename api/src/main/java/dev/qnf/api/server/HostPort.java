package dev.qnf.api.server;

import dev.qnf.fabric.InvalidInputException;

/** {@code host:port} or {@code [v6]:port}, with an explicit port. */
record HostPort(String host, int port) {

    static HostPort parse(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(what + " is required (host:port)");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new InvalidInputException(what + " '" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new InvalidInputException(what + " '" + text + "': write IPv6 hosts as [addr]:port");
        }
        String p = text.substring(colon + 1);
        if (!p.chars().allMatch(Character::isDigit) || p.length() > 5) {
            throw new InvalidInputException(what + " '" + text + "' has a bad port");
        }
        int port = Integer.parseInt(p);
        if (port < 1 || port > 65535) {
            throw new InvalidInputException(what + " '" + text + "' has port " + port + " out of range 1..65535");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
