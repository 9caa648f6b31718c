package dev.qnf.agent.nft;

import jnr.ffi.Pointer;

/**
 * The libnftables calls QNF uses, bound with jnr-ffi (see {@code man 3 libnftables}). Keep it this small: every entry
 * is a native contract, and everything else is expressed as nft commands in the buffer. Public only because jnr-ffi
 * implements it in another class loader; use {@link Nftables}.
 */
public interface LibNftables {
    int NFT_CTX_DEFAULT = 0;
    int NFT_CTX_OUTPUT_JSON = 1 << 4;

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    void nft_ctx_output_set_flags(Pointer ctx, int flags);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    int nft_run_cmd_from_buffer(Pointer ctx, String buffer);
}
