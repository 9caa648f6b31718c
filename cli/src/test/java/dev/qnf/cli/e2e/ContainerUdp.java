package dev.qnf.cli.e2e;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.cli.e2e.PodmanFixture.Container;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UDP between podman containers. Debian's busybox-static builds {@code nc} without {@code -u} and has no other UDP
 * listener, so the datagrams are sent and received by sockets this JVM opens inside the containers' network
 * namespaces ({@link NetNs#run}: setns on a thread of its own, the socket stays in the namespace). The packets take
 * exactly the containers' path: their eth0, the veth, the QNF bridge and the agent's nftables in the host namespace.
 *
 * <p>"Delivered" and "not delivered" are both decided by what the {@link Listener} saw within a bounded wait, with
 * the datagram sent again every {@value #RESEND_MILLIS} ms of it, never by a sleep alone. Every flow sends from a
 * source port used by no earlier flow of the run, so a conntrack entry left by an earlier (allowed) flow can never
 * let a later datagram through as "established" after the policy changed.
 */
final class ContainerUdp {
    static final long RESEND_MILLIS = 500;
    private static final AtomicInteger SOURCE_PORTS = new AtomicInteger(40_000);
    private static final AtomicInteger TOKENS = new AtomicInteger();

    private ContainerUdp() {
    }

    /** A UDP listener in a container's namespace: remembers every datagram's text and answers it with "echo TEXT". */
    static final class Listener implements AutoCloseable {
        private final DatagramSocket socket;
        private final Set<String> received = ConcurrentHashMap.newKeySet();

        Listener(Container where, int port) {
            this.socket = NetNs.of(where.sandbox()).run(() -> new DatagramSocket(port));
            Thread t = new Thread(this::serve, "udp-listener-" + where.name() + "-" + port);
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            byte[] buf = new byte[256];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                    received.add(text);
                    byte[] echo = ("echo " + text).getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(echo, echo.length, p.getSocketAddress()));
                } catch (IOException e) {
                    // closed, or a send that failed: keep serving until closed
                }
            }
        }

        boolean saw(String token) {
            return received.contains(token);
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** What one flow came to: whether the listener got the datagram, and whether its echo came back to the sender. */
    record Flow(String token, boolean delivered, boolean answered) {
    }

    /**
     * Sends a fresh token from {@code from} to {@code to}'s listener, again every {@value #RESEND_MILLIS} ms, until the
     * echo is back or {@code within} has passed; then reports what the listener saw and what the sender got.
     */
    static Flow send(Container from, Container to, Listener listener, int port, Duration within) {
        String token = from.name() + "->" + to.name() + "#" + TOKENS.incrementAndGet();
        int sourcePort = SOURCE_PORTS.getAndIncrement();
        boolean answered = NetNs.of(from.sandbox()).run(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(sourcePort))) {
                byte[] bytes = token.getBytes(StandardCharsets.US_ASCII);
                DatagramPacket datagram = new DatagramPacket(bytes, bytes.length, InetAddress.getByName(to.ip()), port);
                String expected = "echo " + token;
                long deadline = System.nanoTime() + within.toNanos();
                while (System.nanoTime() < deadline) {
                    s.send(datagram);
                    long waitUntil = Math.min(deadline, System.nanoTime() + RESEND_MILLIS * 1_000_000);
                    while (System.nanoTime() < waitUntil) {
                        s.setSoTimeout((int) Math.max(1, (waitUntil - System.nanoTime()) / 1_000_000));
                        DatagramPacket reply = new DatagramPacket(new byte[256], 256);
                        try {
                            s.receive(reply);
                        } catch (SocketTimeoutException e) {
                            break;
                        }
                        if (expected.equals(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII))) {
                            return true;
                        }
                    }
                }
                return false;
            }
        });
        return new Flow(token, listener.saw(token), answered);
    }
}
