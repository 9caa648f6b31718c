package dev.qnf.agent.netlink;

import java.nio.ByteBuffer;

/** The fixed struct that follows {@code nlmsghdr} in a netlink family's messages (ifinfomsg, ifaddrmsg, rtmsg). */
public interface FamilyHeader {
    /** Size of the struct in bytes, before alignment. */
    int size();

    /** Writes the struct at the buffer's position, in native byte order. */
    void writeTo(ByteBuffer out);
}
