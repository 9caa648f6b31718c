package dev.qnf.agent.dns;

import dev.qnf.agent.dns.QueryHandler.Forward;
import dev.qnf.agent.dns.QueryHandler.Reply;
import dev.qnf.agent.dns.QueryHandler.Step;
import dev.qnf.agent.dns.QueryHandler.Transport;
import dev.qnf.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The DNS server of one QNF network on one host: answers for the network's zone from the current
 * {@link DnsRecords} and forwards everything else upstream.
 *
 * <p>Threads: one reader per UDP socket and one acceptor per TCP socket. UDP queries for the QNF zones are answered
 * on the reader thread (a map lookup); forwarded ones go to a bounded pool of {@code workers} threads with a queue
 * of {@code queueCapacity}, and get a fast SERVFAIL when both are full. Each TCP client gets a thread from a pool of
 * {@code maxTcpConnections}; further clients are disconnected. Idle pool threads exit, so a quiet server holds only
 * its reader and acceptor threads. A packet that does not parse is answered FORMERR or dropped; nothing a client
 * sends can stop a loop.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    /** Queries are small; an EDNS query with options still fits easily. Longer datagrams are cut and fail to parse. */
    private static final int MAX_UDP_QUERY = 4096;
    private static final int MAX_TCP_QUERIES_PER_CONNECTION = 1000;
    private static final int PORT_ATTEMPTS = 20;

    private final DnsServerConfig config;
    private final DnsMetrics metrics;
    private final Random ids;
    private volatile DnsRecords records;

    private final List<DatagramSocket> udpSockets = new ArrayList<>();
    private final List<ServerSocket> tcpSockets = new ArrayList<>();
    private final Set<Socket> tcpClients = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private ThreadPoolExecutor forwardPool;
    private ThreadPoolExecutor tcpPool;
    private QueryHandler handler;
    private int port;
    private volatile List<InetSocketAddress> upstreams = List.of();
    private volatile boolean started;
    private volatile boolean closed;

    public DnsServer(DnsServerConfig config, DnsRecords records, DnsMetrics metrics) {
        this(config, records, metrics, new SecureRandom());
    }

    /** For tests: a seeded source of upstream query ids. */
    DnsServer(DnsServerConfig config, DnsRecords records, DnsMetrics metrics, Random ids) {
        this.config = Objects.requireNonNull(config);
        this.records = Objects.requireNonNull(records);
        this.metrics = Objects.requireNonNull(metrics);
        this.ids = ids;
    }

    /**
     * Binds UDP and TCP on every bind address (one port for all), reads the upstreams and starts serving. Throws if
     * any address cannot be bound (for example a gateway address not yet assigned), leaving nothing open.
     */
    public synchronized void start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        try {
            bind();
            Forwarder forwarder = new Forwarder(resolveUpstreams(), config.upstreamTimeout(), config.queryTimeout(),
                    config.attempts(), config.maxUdpPayload(), ids, metrics);
            if (forwarder.upstreams().isEmpty()) {
                log.warn("DNS for {}: no upstream resolvers; names outside the QNF zones will get SERVFAIL",
                        records.zone());
            }
            handler = new QueryHandler(() -> records, forwarder, config.maxUdpPayload(), metrics);
            String name = "qnf-dns-" + records.network();
            forwardPool = pool(name + "-fwd", config.workers(), new ArrayBlockingQueue<>(config.queueCapacity()));
            tcpPool = pool(name + "-tcp", config.maxTcpConnections(), new SynchronousQueue<>());
            for (DatagramSocket s : udpSockets) {
                thread(name + "-udp-" + s.getLocalAddress().getHostAddress(), () -> udpLoop(s));
            }
            for (ServerSocket s : tcpSockets) {
                thread(name + "-tcp-" + s.getInetAddress().getHostAddress(), () -> acceptLoop(s));
            }
            started = true;
            upstreams = forwarder.upstreams();
            log.info("DNS for {} listening on {} port {}, forwarding to {}", records.zone(),
                    config.bindAddresses().stream().map(InetAddress::getHostAddress).toList(), port,
                    upstreams.stream().map(u -> u.getAddress().getHostAddress() + ":" + u.getPort()).toList());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Swaps the records atomically: each query sees either the old value or the new one, never a mix. */
    public void update(DnsRecords records) {
        this.records = Objects.requireNonNull(records);
    }

    public DnsRecords records() {
        return records;
    }

    /** The port bound on every address (the chosen one if the config said 0); valid after {@link #start}. */
    public int port() {
        return port;
    }

    /** The addresses being served, with the bound port. */
    public List<InetSocketAddress> addresses() {
        return config.bindAddresses().stream().map(a -> new InetSocketAddress(a, port)).toList();
    }

    /** The resolvers forwarded to, in order (after dropping our own addresses); valid after {@link #start}. */
    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** Stops serving and releases every socket. Idempotent. In-flight forwards end within the query timeout. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        udpSockets.forEach(DatagramSocket::close);
        tcpSockets.forEach(DnsServer::closeQuietly);
        tcpClients.forEach(DnsServer::closeQuietly);
        if (forwardPool != null) {
            forwardPool.shutdownNow();
            tcpPool.shutdownNow();
        }
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private void bind() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                int p = config.port();
                for (InetAddress address : config.bindAddresses()) {
                    DatagramSocket udp = new DatagramSocket(null);
                    udpSockets.add(udp);
                    udp.bind(new InetSocketAddress(address, p));
                    p = udp.getLocalPort();
                    ServerSocket tcp = new ServerSocket();
                    tcpSockets.add(tcp);
                    tcp.setReuseAddress(true);
                    tcp.bind(new InetSocketAddress(address, p), 128);
                }
                port = p;
                return;
            } catch (BindException e) {
                udpSockets.forEach(DatagramSocket::close);
                tcpSockets.forEach(DnsServer::closeQuietly);
                udpSockets.clear();
                tcpSockets.clear();
                // port 0: UDP got a free port that TCP could not have; try another
                if (config.port() != 0 || attempt >= PORT_ATTEMPTS) {
                    throw new BindException(e.getMessage() + " (binding " + config.bindAddresses() + " port "
                            + config.port() + ")");
                }
            }
        }
    }

    private List<InetSocketAddress> resolveUpstreams() {
        List<InetSocketAddress> own = addresses();
        if (!config.upstreams().isEmpty() || config.resolvConf() == null) {
            return config.upstreams().stream().filter(u -> !own.contains(u)).toList();
        }
        try {
            return Upstreams.discover(config.resolvConf(), Upstreams.SYSTEMD_RESOLV_CONF, config.bindAddresses());
        } catch (IOException e) {
            log.warn("DNS for {}: cannot read {}: {}", records.zone(), config.resolvConf(), e.toString());
            return List.of();
        }
    }

    private static ThreadPoolExecutor pool(String name, int threads, BlockingQueue<Runnable> q) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, q,
                DaemonThreads.numbered(name), new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private void thread(String name, Runnable loop) {
        Thread t = DaemonThreads.thread(name, loop);
        threads.add(t);
        t.start();
    }

    private void udpLoop(DatagramSocket socket) {
        byte[] buf = new byte[MAX_UDP_QUERY];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setData(buf);
                socket.receive(packet);
            } catch (IOException e) {
                if (closed || socket.isClosed()) {
                    return;
                }
                log.warn("DNS for {}: receive failed: {}", records.zone(), e.toString());
                continue;
            }
            byte[] data = Arrays.copyOfRange(buf, packet.getOffset(), packet.getOffset() + packet.getLength());
            SocketAddress client = packet.getSocketAddress();
            try {
                serveUdp(socket, client, data);
            } catch (RuntimeException e) {
                log.warn("DNS for {}: failed to serve a query from {}", records.zone(), client, e);
            }
        }
    }

    private void serveUdp(DatagramSocket socket, SocketAddress client, byte[] data) {
        Step step = handler.handle(data, Transport.UDP);
        if (step instanceof Reply r) {
            send(socket, client, r.wire());
        } else if (step instanceof Forward f) {
            long queued = System.nanoTime();
            try {
                forwardPool.execute(() -> {
                    if (System.nanoTime() - queued > config.queryTimeout().toNanos()) {
                        send(socket, client, handler.overloaded(f)); // waited so long the client has moved on
                        return;
                    }
                    send(socket, client, handler.forward(f));
                });
            } catch (RejectedExecutionException e) {
                if (!closed) {
                    send(socket, client, handler.overloaded(f));
                }
            }
        }
    }

    private void send(DatagramSocket socket, SocketAddress client, byte[] wire) {
        try {
            socket.send(new DatagramPacket(wire, wire.length, client));
        } catch (IOException e) {
            if (!closed) {
                log.debug("DNS for {}: reply to {} not sent: {}", records.zone(), client, e.toString());
            }
        }
    }

    private void acceptLoop(ServerSocket server) {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed || server.isClosed()) {
                    return;
                }
                log.warn("DNS for {}: accept failed: {}", records.zone(), e.toString());
                pause(); // e.g. out of file descriptors: do not spin
                continue;
            }
            try {
                tcpPool.execute(() -> serveTcp(client));
            } catch (RejectedExecutionException e) {
                closeQuietly(client); // at the connection limit: the client may retry
            }
        }
    }

    private void serveTcp(Socket client) {
        tcpClients.add(client);
        try (client) {
            if (closed) {
                return;
            }
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.tcpIdleTimeout().toMillis()));
            client.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(client.getOutputStream()));
            for (int n = 0; n < MAX_TCP_QUERIES_PER_CONNECTION && !closed; n++) {
                byte[] data = new byte[in.readUnsignedShort()];
                in.readFully(data);
                Step step = handler.handle(data, Transport.TCP);
                byte[] reply = step instanceof Reply r ? r.wire()
                        : step instanceof Forward f ? handler.forward(f) : null;
                if (reply == null) {
                    return; // dropped: a client sending responses or junk gets disconnected
                }
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (EOFException | SocketTimeoutException e) {
            // the client is done, or idle
        } catch (IOException e) {
            if (!closed) {
                log.debug("DNS for {}: TCP client {}: {}", records.zone(), client.getRemoteSocketAddress(),
                        e.toString());
            }
        } catch (RuntimeException e) {
            log.warn("DNS for {}: failed to serve TCP client {}", records.zone(), client.getRemoteSocketAddress(), e);
        } finally {
            tcpClients.remove(client);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
