package dev.qnf.consensus;

/** {@code host:port} or {@code [v6]:port}; the port is required because every server must be reachable at it. */
record HostPort(String host, int port) {
    static HostPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("address is required (host:port)");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("address '" + text + "' must be host:port with an explicit port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + text + "' has a bad port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("address '" + text + "' has port " + port + " out of range");
        }
        return new HostPort(host, port);
    }
}
