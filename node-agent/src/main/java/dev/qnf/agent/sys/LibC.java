package dev.qnf.agent.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

import java.nio.ByteBuffer;

/**
 * The few libc calls the agent needs, bound with jnr-ffi. Every call that can fail saves errno; read it with
 * {@link #errno()} right after a negative return. Keep this list short: each entry is a native contract.
 */
public interface LibC {
    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;
    int NETLINK_GENERIC = 16;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_SNDBUF = 7;
    int SOL_NETLINK = 270;
    int NETLINK_EXT_ACK = 11;
    int NETLINK_GET_STRICT_CHK = 12;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;

    LibC INSTANCE = LibraryLoader.create(LibC.class).failImmediately().load("c");

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In ByteBuffer addr, int addrLen);

    @SaveError
    long send(int fd, @In ByteBuffer buf, long len, int flags);

    @SaveError
    long recv(int fd, @Out ByteBuffer buf, long len, int flags);

    @SaveError
    int setsockopt(int fd, int level, int option, @In ByteBuffer value, int len);

    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int setns(int fd, int nstype);

    int geteuid();

    String strerror(int errnum);

    static int errno() {
        return Runtime.getRuntime(INSTANCE).getLastError();
    }

    /** "EEXIST (17): File exists"-style text for an errno. */
    static String describe(int errno) {
        return Errno.name(errno) + " (" + errno + "): " + INSTANCE.strerror(errno);
    }
}
