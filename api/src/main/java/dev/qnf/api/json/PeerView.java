package dev.qnf.api.json;

import java.util.List;

/**
 * One peer of a rule: either {@code endpoints}/{@code namespaces} selectors and/or {@code networks}, or a
 * {@code cidr} with optional {@code except}, or an {@code entity} ({@code world} or {@code host}).
 */
public record PeerView(SelectorView endpoints, SelectorView namespaces, List<String> networks, String cidr,
                       List<String> except, String entity) {
}
