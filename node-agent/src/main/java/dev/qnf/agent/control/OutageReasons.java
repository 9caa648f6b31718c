package dev.qnf.agent.control;

import java.util.Objects;

/**
 * Which heartbeat failures are worth a log line. A link retrying every few seconds must not fill the log, but an
 * agent that never reached the control plane (a wrong address, a trust bundle from another cluster) must say why at
 * least once: so each outage reports its first reason and every change of reason, and nothing while it repeats.
 */
final class OutageReasons {
    private String last;

    /** True when {@code reason} should be logged: the first of this outage or a different one from the last. */
    synchronized boolean isNew(String reason) {
        if (Objects.equals(last, reason)) {
            return false;
        }
        last = reason;
        return true;
    }

    /** The control plane answered: the next failure starts a new outage. */
    synchronized void recovered() {
        last = null;
    }
}
