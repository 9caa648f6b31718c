package dev.qnf.fabric.model;

/**
 * One accepted write, as the audit trail keeps it: who (the caller's SPIFFE ID, or "anonymous" on a plaintext
 * server), what (the command kind and the key of the object it is about), when (the handling server's clock, in
 * epoch milliseconds, carried in the command) and the revision the write produced. {@code seq} numbers entries in
 * apply order; the trail keeps the last {@link dev.qnf.fabric.state.AuditTrail#RETAINED} of them.
 */
public record AuditEntry(long seq, String who, String what, String object, long atMillis, long revision)
        implements Resource {
    public static ResourceKey keyOf(long seq) {
        // zero-padded so that key order is apply order in the store
        return new ResourceKey(ResourceKey.AUDIT, String.format("%019d", seq));
    }

    @Override
    public ResourceKey key() {
        return keyOf(seq);
    }
}
