package dev.qnf.fabric.command;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Names;

import java.util.List;
import java.util.Map;

/**
 * Set the labels in {@code set} and remove the keys in {@code remove} on an existing endpoint, like
 * {@code kubectl label}; the endpoint's identity follows in the same write.
 */
public record LabelEndpoint(String network, String endpoint, Map<String, String> set, List<String> remove)
        implements Command {
    public LabelEndpoint {
        Names.network(network);
        Names.endpoint(endpoint);
        set = Names.labels(set);
        remove = remove == null ? List.of() : List.copyOf(remove);
        for (String k : remove) {
            Names.labelKey(k);
            if (set.containsKey(k)) {
                throw new InvalidInputException("label '" + k + "' is both set and removed");
            }
        }
        if (set.isEmpty() && remove.isEmpty()) {
            throw new InvalidInputException("nothing to change: give k=v to set or k- to remove");
        }
    }
}
