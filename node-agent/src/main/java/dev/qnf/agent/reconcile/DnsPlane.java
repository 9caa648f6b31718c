package dev.qnf.agent.reconcile;

import java.util.Map;

/** The DNS servers of the host's networks, as the reconciler drives them; {@link DnsServers} is the real one. */
public interface DnsPlane extends AutoCloseable {

    /**
     * Serves exactly {@code zones} (by network name): starts missing servers, swaps records on running ones,
     * restarts a server whose network changed, stops the others.
     *
     * @return the networks whose server could not be started, with the reason (retried on the next call)
     */
    Map<String, String> converge(Map<String, DnsZone> zones);

    @Override
    void close();
}
