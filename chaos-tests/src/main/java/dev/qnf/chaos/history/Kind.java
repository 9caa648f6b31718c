package dev.qnf.chaos.history;

/** What an operation did. */
public enum Kind {
    /** Allocate an address for an endpoint (idempotent per endpoint id). */
    ALLOCATE(true),
    /** Release an endpoint's address (idempotent). */
    RELEASE(true),
    /** Linearizable list of a network's allocations. */
    LIST(false),
    /** Stale list of a network's allocations, from the receiving server's applied state. */
    LIST_STALE(false),
    /** Create a network (a register write: absent or identical to version v). */
    NET_CREATE(true),
    /** Delete a network (a register write: absent). */
    NET_DELETE(true),
    /** Linearizable read of a network (a register read). */
    NET_GET(false),
    /** CNI ADD through the node agent's socket (not a control-plane write: it may answer "try again later"). */
    CNI_ADD(false),
    /** CNI DEL through the node agent's socket (succeeds while the control plane is away: the release is queued). */
    CNI_DEL(false),
    /** CNI GC through the node agent's socket, with the containers the runtime still has. */
    CNI_GC(false);

    private final boolean write;

    Kind(boolean write) {
        this.write = write;
    }

    public boolean isWrite() {
        return write;
    }
}
