package dev.qnf.cli;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;

/** What a port answers to a stranger: plaintext HTTP/1.1, a plaintext HTTP/2 preface, TLS without a certificate. */
final class PortProbe {
    private static final int TIMEOUT_MILLIS = 5000;
    /** The HTTP/2 client preface followed by an empty SETTINGS frame (RFC 9113 3.4). */
    private static final byte[] H2_PREFACE = concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            HexFormat.of().parseHex("000000040000000000"));

    private PortProbe() {
    }

    /** The first bytes a plaintext {@code GET / HTTP/1.1} gets back (empty: closed, reset or silent). */
    static byte[] plaintextHttp1(int port) {
        return exchange(port, ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** The first bytes a plaintext HTTP/2 connection preface gets back. */
    static byte[] plaintextHttp2(int port) {
        return exchange(port, H2_PREFACE);
    }

    /** Whether {@code answer} is an HTTP answer: a status line, or an HTTP/2 SETTINGS or GOAWAY frame on stream 0. */
    static boolean isHttp(byte[] answer) {
        if (new String(answer, StandardCharsets.US_ASCII).startsWith("HTTP/")) {
            return true;
        }
        if (answer.length < 9) {
            return false;
        }
        int type = answer[3] & 0xff;
        boolean stream0 = answer[5] == 0 && answer[6] == 0 && answer[7] == 0 && (answer[8] & 0x7f) == 0;
        return stream0 && (type == 0x4 || type == 0x7);
    }

    /** What a TLS client without a certificate saw: the server's chain (null: no TLS) and the HTTP answer, if any. */
    record TlsAnswer(X509Certificate[] serverChain, String statusLine) {
        boolean servedHttp() {
            return statusLine != null && statusLine.startsWith("HTTP/");
        }

        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    /** A TLS handshake without a client certificate, then {@code method path} over HTTP/1.1. */
    static TlsAnswer tlsWithoutCertificate(int port, String method, String path) {
        X509Certificate[][] seen = new X509Certificate[1][];
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    seen[0] = chain;   // a prober trusts anything: it only wants to see what is served
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (Socket raw = connect(port);
                 SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", port, true)) {
                tls.setSoTimeout(TIMEOUT_MILLIS);
                tls.startHandshake();
                tls.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                String answer = new String(read(tls.getInputStream()), StandardCharsets.US_ASCII);
                int eol = answer.indexOf("\r\n");
                return new TlsAnswer(seen[0], answer.isEmpty() ? null : eol < 0 ? answer : answer.substring(0, eol));
            }
        } catch (IOException refused) {
            return new TlsAnswer(seen[0], null);   // handshake or read refused: no certificate, no service
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] exchange(int port, byte[] request) {
        try (Socket s = connect(port)) {
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        } catch (IOException closed) {
            return new byte[0];
        }
    }

    /** Up to 64 bytes, until the peer closes or stays silent for the timeout. */
    private static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64];
        try {
            while (out.size() < 64) {
                int n = in.read(buf, 0, 64 - out.size());
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException silent) {
            // what arrived so far is the answer
        } catch (IOException reset) {
            if (out.size() == 0) {
                throw reset;
            }
        }
        return out.toByteArray();
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        return s;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
