package dev.qnf.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * One {@code qnf} command line run in-process as {@code main} runs it (picocli's error handling, exit code), with
 * what it printed. System.out and System.err are process-wide, so runs are serialised.
 */
record QnfRun(int code, String out, String err) {

    static synchronized QnfRun of(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Qnf.run(args);
            return new QnfRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** {@code qnf ARGS --endpoint URL --tls-dir TLS}: a client command against one server with one identity. */
    static QnfRun against(String url, Path tls, String... args) {
        return of(Stream.concat(Arrays.stream(args), Stream.of("--endpoint", url, "--tls-dir", tls.toString()))
                .toArray(String[]::new));
    }
}
