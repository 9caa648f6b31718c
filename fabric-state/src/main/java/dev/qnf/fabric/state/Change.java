package dev.qnf.fabric.state;

import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.model.ResourceKey;

/** One stored resource written or removed. Decisions produce changes; only {@link FabricImage#apply} consumes them. */
public sealed interface Change permits Change.Put, Change.Delete {
    ResourceKey key();

    record Put(Resource resource) implements Change {
        @Override
        public ResourceKey key() {
            return resource.key();
        }
    }

    record Delete(ResourceKey key) implements Change {
    }
}
