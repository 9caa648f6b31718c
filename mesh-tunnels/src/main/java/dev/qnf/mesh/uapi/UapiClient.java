package dev.qnf.mesh.uapi;

import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of one device's UAPI socket ({@code /var/run/wireguard/IFNAME.sock}). One connection per request, as
 * {@code wg} does; every exchange is bounded by {@code timeout}, so a hung daemon is an error, not a hung agent.
 */
public final class UapiClient {
    public static final Path SOCKET_DIR = Path.of("/var/run/wireguard");
    private static final int MAX_ANSWER = 64 << 20;

    private final Path socket;
    private final Duration timeout;

    public UapiClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public static UapiClient forInterface(String ifname) {
        return new UapiClient(SOCKET_DIR.resolve(ifname + ".sock"), Duration.ofSeconds(10));
    }

    public Path socket() {
        return socket;
    }

    public DeviceStatus get() throws UapiException {
        return UapiCodec.decodeGet(exchange(UapiCodec.GET));
    }

    /** Applies an update; an empty one sends nothing. */
    public void set(DeviceUpdate update) throws UapiException {
        if (update.isEmpty()) {
            return;
        }
        List<String> answer = exchange(UapiCodec.encodeSet(update));
        int errno = UapiCodec.errno(answer);
        if (errno != 0) {
            throw new UapiException(errno, "UAPI set on " + socket + " failed with errno " + errno + " ("
                    + update.peers().size() + " peer changes)");
        }
    }

    /** Sends one request and reads the answer up to its terminating empty line. */
    List<String> exchange(String request) throws UapiException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            ch.register(selector, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                await(selector, deadline);
                ch.write(out);
            }
            ch.keyFor(selector).interestOps(SelectionKey.OP_READ);
            StringBuilder text = new StringBuilder();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            while (!complete(text)) {
                await(selector, deadline);
                int n = ch.read(in);
                if (n < 0) {
                    throw new UapiException(-1, "UAPI socket " + socket + " closed before the answer ended");
                }
                in.flip();
                text.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
                if (text.length() > MAX_ANSWER) {
                    throw new UapiException(-1, "UAPI answer from " + socket + " exceeds " + MAX_ANSWER + " bytes");
                }
            }
            List<String> lines = new ArrayList<>(List.of(text.toString().split("\n")));
            lines.removeIf(String::isEmpty);
            return lines;
        } catch (UapiException e) {
            throw e;
        } catch (IOException e) {
            throw new UapiException("UAPI socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private void await(Selector selector, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0 && System.nanoTime() >= deadline) {
            throw new UapiException(-1, "UAPI socket " + socket + " did not answer within " + timeout);
        }
        selector.selectedKeys().clear();
    }

    /** An answer ends with "errno=N\n\n". */
    private static boolean complete(CharSequence text) {
        int n = text.length();
        if (n < 2 || text.charAt(n - 1) != '\n' || text.charAt(n - 2) != '\n') {
            return false;
        }
        int lineStart = text.toString().lastIndexOf('\n', n - 3) + 1;
        return text.subSequence(lineStart, n - 2).toString().startsWith("errno=");
    }
}
