package dev.qnf.agent.cni;

import dev.qnf.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The agent's end of the plugin binary's Unix socket ({@code dev.qnf.cni.CniClient}): one request per connection,
 * read to end of stream, answered with {@code <exit code>\n<stdout>}. The socket is mode 0600 in a 0700 directory
 * (root only). A small pool serves connections; when it is full the caller gets CNI error 11 at once. A connection
 * that does not finish within {@code timeout} is closed.
 */
public final class CniServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CniServer.class);
    static final int MAX_REQUEST_BYTES = 4 << 20;

    private final Path socket;
    private final Function<byte[], CniResponse> handler;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService watchdog;
    private final Duration timeout;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    public CniServer(Path socket, Function<byte[], CniResponse> handler, int threads, Duration timeout) {
        this.socket = socket;
        this.handler = handler;
        this.timeout = timeout;
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                DaemonThreads.numbered("qnf-cni"));
        this.pool.allowCoreThreadTimeOut(true);
        this.watchdog = DaemonThreads.scheduler("qnf-cni-watchdog");
    }

    public Path socket() {
        return socket;
    }

    /** Binds the socket (replacing a stale one; refusing if another agent answers on it) and starts serving. */
    public synchronized void start() throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("another agent is serving " + socket);
            }
            Files.delete(socket);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        acceptor = DaemonThreads.start("qnf-cni-accept", this::acceptLoop);
        LOG.info("CNI socket {}", socket);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("CNI socket accept failed: {}", e.getMessage());
                }
                continue;
            }
            try {
                pool.execute(() -> serve(ch));
            } catch (RejectedExecutionException e) {
                reply(ch, new CniResponse(1, new CniError(CniError.TRY_AGAIN_LATER, "qnf agent is busy; try again later")
                        .toJson(CniVersions.LATEST).toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private void serve(SocketChannel ch) {
        ScheduledFuture<?> kill = watchdog.schedule(() -> closeQuietly(ch), timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            byte[] request = readAll(ch);
            reply(ch, handler.apply(request));
        } catch (IOException e) {
            LOG.warn("CNI connection failed: {}", e.getMessage());
            closeQuietly(ch);
        } finally {
            kill.cancel(false);
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (ch.read(buf) >= 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
            if (out.size() > MAX_REQUEST_BYTES) {
                throw new IOException("request larger than " + MAX_REQUEST_BYTES + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static void reply(SocketChannel ch, CniResponse response) {
        try (ch) {
            ByteBuffer buf = ByteBuffer.wrap(response.wire());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            LOG.warn("CNI reply not delivered: {}", e.getMessage());
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
            if (server != null) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            LOG.warn("closing the CNI socket: {}", e.getMessage());
        }
        pool.shutdown();
        watchdog.shutdownNow();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
