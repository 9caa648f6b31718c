package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;

/**
 * The site a node joined into: recorded when {@code node} redeems a join token bound to {@code site} (the token's
 * id in {@code token}), in the same apply as the redemption. From then on the node record of that name must carry
 * this site ({@link dev.qnf.fabric.state.FabricMachine} refuses any other), whoever writes it, so a node cannot move
 * itself to another site by registering again. It outlives the node record (deleting one's own record and
 * registering anew elsewhere would otherwise undo it); a later join with a token of another site moves it.
 */
public record SiteBinding(String node, String site, String token) implements Resource {
    public SiteBinding {
        Names.node(node);
        if (site == null || site.isEmpty()) {
            throw new InvalidInputException("a site binding needs a site");
        }
        JoinToken.checkId(token);
    }

    public static ResourceKey keyOf(String node) {
        return new ResourceKey(ResourceKey.SITE_BINDING, node);
    }

    @Override
    public ResourceKey key() {
        return keyOf(node);
    }
}
