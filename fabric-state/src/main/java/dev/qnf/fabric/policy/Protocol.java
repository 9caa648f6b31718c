package dev.qnf.fabric.policy;

import dev.qnf.fabric.InvalidInputException;

import java.util.Locale;

/**
 * The L4 protocols a rule can name, with their IANA numbers. {@code ICMP} means ICMP for IPv4 and ICMPv6 for IPv6
 * (58); ICMP has no ports. {@code ANY} matches every protocol and port.
 */
public enum Protocol {
    ANY(0),
    TCP(6),
    UDP(17),
    SCTP(132),
    ICMP(1);

    /** IANA protocol number for IPv4 (ICMP's IPv6 number is {@link #ICMPV6_NUMBER}); 0 for ANY. */
    public final int number;
    public static final int ICMPV6_NUMBER = 58;

    Protocol(int number) {
        this.number = number;
    }

    /** Whether the protocol has ports: TCP, UDP and SCTP. */
    public boolean hasPorts() {
        return this == TCP || this == UDP || this == SCTP;
    }

    /** Case-insensitive name ("tcp", "UDP", "any"); null or blank is {@code dflt}. */
    public static Protocol parse(String text, Protocol dflt) {
        if (text == null || text.isBlank()) {
            return dflt;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("protocol '" + text + "' is not one of tcp, udp, sctp, icmp, any");
        }
    }
}
