package dev.qnf.agent.cni;

import java.util.List;

/** The CNI spec versions QNF speaks, the same list the plugin binary reports for VERSION. */
public final class CniVersions {
    public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    /** Used for error objects when the request's own version is unknown. */
    public static final String LATEST = "1.1.0";

    private CniVersions() {
    }

    public static boolean supported(String version) {
        return SUPPORTED.contains(version);
    }

    /** {@code version >= floor}, both supported versions. */
    public static boolean atLeast(String version, String floor) {
        return SUPPORTED.indexOf(version) >= SUPPORTED.indexOf(floor);
    }
}
