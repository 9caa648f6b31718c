package dev.qnf.agent.nft;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.fabric.net.IpAddress;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.qnf.agent.testing.TestNamespaces.sh;

/**
 * A small world in namespaces: a "host" with QNF bridges and an uplink to an "internet" namespace, and "containers"
 * plugged into the bridges with veth pairs, all built with the ip command. The internet has no route to any
 * container network, so it answers a container only if the host masqueraded it. Everything dies with the
 * {@link TestNamespaces}.
 */
public final class Lab {
    static final String HOST4 = "192.0.2.1";
    static final String INET4 = "192.0.2.2";
    static final String HOST6 = "2001:db8::1";
    static final String INET6 = "2001:db8::2";

    final TestNamespaces ns;
    final NetNs host;
    final NetNs inet;

    Lab(TestNamespaces ns) {
        this.ns = ns;
        this.host = ns.add("host");
        this.inet = ns.add("inet");
        String h = ns.nameOf("host");
        String i = ns.nameOf("inet");
        sh("ip", "-n", h, "link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns", i);
        ip(h, "addr", "add", HOST4 + "/24", "dev", "up0");
        ip(h, "addr", "add", HOST6 + "/64", "dev", "up0", "nodad");
        ip(h, "link", "set", "up0", "up");
        ip(i, "addr", "add", INET4 + "/24", "dev", "eth0");
        ip(i, "addr", "add", INET6 + "/64", "dev", "eth0", "nodad");
        ip(i, "link", "set", "eth0", "up");
        sh("ip", "netns", "exec", h, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    }

    /** A bridge on the host holding the network's gateway addresses ("10.1.0.1/24", "fd00:1::1/64"). */
    void bridge(String name, String... gateways) {
        String h = ns.nameOf("host");
        ip(h, "link", "add", name, "type", "bridge");
        for (String gw : gateways) {
            if (gw.contains(":")) {
                ip(h, "addr", "add", gw, "dev", name, "nodad");
            } else {
                ip(h, "addr", "add", gw, "dev", name);
            }
        }
        ip(h, "link", "set", name, "up");
    }

    /** A container namespace with eth0 on {@code bridge}, the given addresses, default routes via the gateways. */
    NetNs container(String name, String bridge, String address4, String gateway4, String address6, String gateway6) {
        return container(name, bridge, null, address4, gateway4, address6, gateway6);
    }

    /**
     * {@link #container}, with eth0's MAC set to {@code mac} (unless null) and EUI-64 address generation before
     * it comes up, as the agent plugs a container: its link-local address is then the EUI-64 one of that MAC.
     */
    NetNs container(String name, String bridge, String mac, String address4, String gateway4, String address6,
                    String gateway6) {
        NetNs c = ns.add(name);
        String h = ns.nameOf("host");
        String n = ns.nameOf(name);
        sh("ip", "-n", h, "link", "add", "v-" + name, "type", "veth", "peer", "name", "eth0", "netns", n);
        ip(h, "link", "set", "v-" + name, "master", bridge, "up");
        if (mac != null) {
            ip(n, "link", "set", "eth0", "address", mac, "addrgenmode", "eui64");
        }
        ip(n, "addr", "add", address4, "dev", "eth0");
        ip(n, "link", "set", "eth0", "up");
        ip(n, "route", "add", "default", "via", gateway4);
        if (address6 != null) {
            ip(n, "addr", "add", address6, "dev", "eth0", "nodad");
            ip(n, "-6", "route", "add", "default", "via", gateway6);
        }
        return c;
    }

    private static void ip(String namespace, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = namespace;
        System.arraycopy(args, 0, cmd, 3, args.length);
        sh(cmd);
    }

    /**
     * A TCP server in a namespace: accepts connections, records each peer's address as it saw it, and answers "hi".
     * The listening socket is created on a thread inside the namespace and stays there; accepting can happen anywhere.
     */
    public static final class Server implements AutoCloseable {
        private final ServerSocket socket;
        private final BlockingQueue<String> peers = new LinkedBlockingQueue<>();

        public Server(NetNs where, int port) {
            this.socket = where.run(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(port));
                return s;
            });
            DaemonThreads.start("lab-server-" + port, this::serve);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    peers.add(IpAddress.parse(s.getInetAddress().getHostAddress()).toString());
                    s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed, or a client gone early: keep serving until closed
                }
            }
        }

        /** The address the next connection came from, as this server saw it. */
        String nextPeer() throws InterruptedException {
            String peer = peers.poll(5, TimeUnit.SECONDS);
            if (peer == null) {
                throw new AssertionError("no connection arrived");
            }
            return peer;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Connects from a namespace and reads the server's greeting; a timeout or refusal is an IOException. */
    public static String connect(NetNs from, String address, int port, int timeoutMillis) throws IOException {
        return connect(from, null, address, port, timeoutMillis);
    }

    /** {@link #connect}, sending from {@code source} (one of the namespace's addresses) when it is not null. */
    public static String connect(NetNs from, String source, String address, int port, int timeoutMillis)
            throws IOException {
        try {
            return from.run(() -> {
                try (Socket s = new Socket()) {
                    if (source != null) {
                        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
                    }
                    s.connect(new InetSocketAddress(InetAddress.getByName(address), port), timeoutMillis);
                    s.setSoTimeout(timeoutMillis);
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[3];
                    int n = in.readNBytes(buf, 0, 3);
                    return new String(buf, 0, n, StandardCharsets.US_ASCII).trim();
                }
            });
        } catch (IllegalStateException e) {
            if (e.getCause() != null && e.getCause().getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** A UDP echo in a namespace: answers each datagram with "pong", recording the sender. */
    public static final class UdpEcho implements AutoCloseable {
        private final DatagramSocket socket;
        private final BlockingQueue<String> peers = new LinkedBlockingQueue<>();

        public UdpEcho(NetNs where, int port) throws SocketException {
            this.socket = where.run(() -> new DatagramSocket(port));
            DaemonThreads.start("lab-udp-" + port, () -> {
                byte[] buf = new byte[64];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        peers.add(IpAddress.parse(p.getAddress().getHostAddress()).toString());
                        byte[] pong = "pong".getBytes(StandardCharsets.US_ASCII);
                        socket.send(new DatagramPacket(pong, pong.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        String nextPeer() throws InterruptedException {
            String peer = peers.poll(5, TimeUnit.SECONDS);
            if (peer == null) {
                throw new AssertionError("no datagram arrived");
            }
            return peer;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Whether a "ping" to {@code address:port} gets an answer within {@code timeoutMillis}. */
    public static boolean udpAnswered(NetNs from, String address, int port, int timeoutMillis) {
        return from.run(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(timeoutMillis);
                byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(ping, ping.length, InetAddress.getByName(address), port));
                s.receive(new DatagramPacket(new byte[64], 64));
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            }
        });
    }

    /** Sends "ping" and returns "pong from ADDRESS:PORT" as the reply's source was seen. */
    static String udpExchange(NetNs from, String address, int port) {
        return from.run(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(2000);
                byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(ping, ping.length, InetAddress.getByName(address), port));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                s.receive(reply);
                return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII) + " from "
                        + IpAddress.parse(reply.getAddress().getHostAddress()) + ":" + reply.getPort();
            }
        });
    }
}
