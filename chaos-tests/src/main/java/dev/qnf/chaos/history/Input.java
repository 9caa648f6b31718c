package dev.qnf.chaos.history;

/** The arguments of an operation. */
public sealed interface Input {

    /** The key the operation is about, for excerpts: {@code network/endpoint} or {@code network}. */
    String key();

    /** Allocate in {@code network} for {@code endpoint}, from {@code node}'s blocks. */
    record Alloc(String network, String endpoint, String node) implements Input {
        @Override
        public String key() {
            return network + "/" + endpoint;
        }
    }

    /** Release {@code endpoint}'s address in {@code network}. */
    record Release(String network, String endpoint) implements Input {
        @Override
        public String key() {
            return network + "/" + endpoint;
        }
    }

    /** List every allocation of {@code network}. */
    record ListAllocations(String network) implements Input {
        @Override
        public String key() {
            return network;
        }
    }

    /** Create network {@code name} on {@code cidr} at spec version {@code version} (the label v; 0: no label). */
    record NetCreate(String name, String cidr, int version) implements Input {
        @Override
        public String key() {
            return name;
        }
    }

    /** Delete or read network {@code name}. */
    record NetKey(String name) implements Input {
        @Override
        public String key() {
            return name;
        }
    }

    /** A CNI call for container {@code container} (interface eth0) whose network namespace is {@code netns}. */
    record Cni(String network, String container, String netns) implements Input {
        @Override
        public String key() {
            return network + "/" + container + ":eth0";
        }
    }
}
