package dev.qnf.mesh.uapi;

import dev.qnf.concurrent.DaemonThreads;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A UAPI socket that records each request (up to its empty line) and answers with {@code answer.apply(request)},
 * written in small pieces to exercise the client's reassembly. An answer of null closes without answering.
 */
final class FakeUapiServer implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Thread thread;

    FakeUapiServer(Path socket, Function<String, String> answer) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = DaemonThreads.start("fake-uapi", () -> serve(answer));
    }

    private void serve(Function<String, String> answer) {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                StringBuilder req = new StringBuilder();
                ByteBuffer buf = ByteBuffer.allocate(1);
                while (!req.toString().endsWith("\n\n") && ch.read(buf) > 0) {
                    buf.flip();
                    req.append(StandardCharsets.UTF_8.decode(buf));
                    buf.clear();
                }
                requests.add(req.toString());
                String a = answer.apply(req.toString());
                if (a == null) {
                    continue;
                }
                byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < bytes.length; i += 7) {
                    ch.write(ByteBuffer.wrap(bytes, i, Math.min(7, bytes.length - i)));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
