package dev.qnf.fabric.model;

/**
 * What a node's and a user's revocation share: when it was recorded and, once an admin lifted it, when. A lifted
 * revocation stays in the state as a cut-off: certificates issued up to the second of the lift are still refused, so
 * un-revoking a name does not let back in the certificates (or a stolen key) that caused the revocation; only
 * certificates issued after the lift are accepted. X.509 times are whole seconds, hence the rounding up.
 */
public interface RevokedIdentity {
    /** When the revocation was recorded (the clock of the server that took the request). */
    long atMillis();

    /** When an admin lifted it; 0 while it is in force. */
    long liftedAtMillis();

    default boolean inForce() {
        return liftedAtMillis() == 0;
    }

    /**
     * Whether a certificate of the revoked name issued at {@code issuedAtMillis} (its issue time as the certificate
     * records it: whole seconds) is refused: always while in force; after a lift, unless it was issued in a later
     * second than the lift.
     */
    default boolean refuses(long issuedAtMillis) {
        return inForce() || issuedAtMillis < Math.floorDiv(liftedAtMillis(), 1000L) * 1000L + 1000L;
    }
}
