package dev.qnf.agent.sys;

/** A failed system call, with its errno so callers can tell "already exists" from "broken". */
public class SysException extends RuntimeException {
    private final int errno;

    public SysException(String operation, int errno) {
        super(operation + ": " + LibC.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
