package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.SysException;

import java.util.Optional;

/**
 * The kernel refused a netlink request. Carries the errno (so callers can tell EEXIST from ENODEV) and, when the
 * socket has NETLINK_EXT_ACK, the kernel's own explanation ("mtu greater than device maximum"):
 * {@code create bridge br0 (RTM_NEWLINK): EINVAL (22): Invalid argument: mtu greater than device maximum}.
 */
public class NetlinkException extends SysException {
    private final String operation;
    private final String kernelMessage;
    private final int badAttributeOffset;

    /**
     * @param operation          what was attempted, e.g. "create bridge br0 (RTM_NEWLINK)"
     * @param errno              positive errno
     * @param kernelMessage      NLMSGERR_ATTR_MSG text, or our own detail; null when there is none
     * @param badAttributeOffset NLMSGERR_ATTR_OFFS (offset of the offending attribute in the request), or -1
     */
    public NetlinkException(String operation, int errno, String kernelMessage, int badAttributeOffset) {
        super(operation, errno);
        this.operation = operation;
        this.kernelMessage = kernelMessage == null || kernelMessage.isBlank() ? null : kernelMessage.strip();
        this.badAttributeOffset = badAttributeOffset;
    }

    public NetlinkException(String operation, int errno, String detail) {
        this(operation, errno, detail, -1);
    }

    public String operation() {
        return operation;
    }

    /** The kernel's extended-ack message, if it sent one. */
    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }

    /** Offset in the request of the attribute the kernel rejected, or -1. */
    public int badAttributeOffset() {
        return badAttributeOffset;
    }

    public boolean is(int errno) {
        return errno() == errno;
    }

    @Override
    public String getMessage() {
        return kernelMessage == null ? super.getMessage() : super.getMessage() + ": " + kernelMessage;
    }
}
