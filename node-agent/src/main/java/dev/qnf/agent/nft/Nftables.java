package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One libnftables context. A script given to {@link #run} is a single {@code nft_run_cmd_from_buffer} call, which
 * libnftables sends to the kernel as one netlink batch: all of it applies, or none of it does.
 *
 * <p>A context talks to the netfilter of the network namespace its thread was in when it first used it, so it is
 * confined to the thread that opened it (use {@link dev.qnf.agent.sys.NetNs#run} to open one inside a namespace).
 * Not thread-safe, by construction: every call checks the thread.
 */
public final class Nftables implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Nftables.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Thread owner = Thread.currentThread();
    private final LibNftables lib;
    private Pointer ctx;

    private Nftables(LibNftables lib, Pointer ctx) {
        this.lib = lib;
        this.ctx = ctx;
    }

    /** Opens a context on, and for, the calling thread. */
    public static Nftables open() {
        LibNftables lib = Binding.LIB;
        Pointer ctx = lib.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
        if (ctx == null) {
            throw new IllegalStateException("nft_ctx_new failed");
        }
        if (lib.nft_ctx_buffer_output(ctx) != 0 || lib.nft_ctx_buffer_error(ctx) != 0) {
            lib.nft_ctx_free(ctx);
            throw new IllegalStateException("libnftables could not buffer its output");
        }
        return new Nftables(lib, ctx);
    }

    /** Runs a script of nft commands as one transaction. */
    public void run(String script) {
        execute(script, 0);
    }

    /**
     * Runs {@code list <what>} (e.g. "table inet qnf", "tables", "ruleset") and returns libnftables' JSON output:
     * an object whose "nftables" array holds a metainfo object, then one object per table, chain, set, map, rule.
     */
    public JsonNode list(String what) {
        String out = execute("list " + what, LibNftables.NFT_CTX_OUTPUT_JSON);
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("libnftables returned JSON Jackson cannot read for 'list " + what + "'", e);
        }
    }

    private String execute(String script, int outputFlags) {
        checkOpen();
        lib.nft_ctx_output_set_flags(ctx, outputFlags);
        int rc = lib.nft_run_cmd_from_buffer(ctx, script);
        // Read both buffers every time: reading is what rewinds them for the next command.
        String out = nullToEmpty(lib.nft_ctx_get_output_buffer(ctx));
        String err = nullToEmpty(lib.nft_ctx_get_error_buffer(ctx));
        if (rc != 0) {
            throw new NftException(err, script);
        }
        if (!err.isBlank()) {
            LOG.debug("libnftables said, while succeeding: {}", err.strip());
        }
        return out;
    }

    private void checkOpen() {
        if (ctx == null) {
            throw new IllegalStateException("nftables context is closed");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("nftables context opened on " + owner.getName() + " used on "
                    + Thread.currentThread().getName() + "; a context belongs to its thread (and namespace)");
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        if (ctx != null) {
            lib.nft_ctx_free(ctx);
            ctx = null;
        }
    }

    /** Loaded on first use, so code that never touches the kernel does not need libnftables installed. */
    private static final class Binding {
        static final LibNftables LIB = LibraryLoader.create(LibNftables.class).failImmediately().load("nftables");
    }
}
