package dev.qnf.mesh.uapi;

import java.io.IOException;

/**
 * A WireGuard UAPI request the device refused ({@code errno} its answer's non-zero errno, e.g. 22 EINVAL for a
 * malformed line) or could not be exchanged at all ({@code errno} -1: no socket, closed early, timed out).
 */
public final class UapiException extends IOException {
    private final int errno;

    public UapiException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public UapiException(String message, Throwable cause) {
        super(message, cause);
        this.errno = -1;
    }

    public int errno() {
        return errno;
    }
}
