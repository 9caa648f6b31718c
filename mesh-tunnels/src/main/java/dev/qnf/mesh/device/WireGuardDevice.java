package dev.qnf.mesh.device;

import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;

import java.io.IOException;

/** One WireGuard interface, however it is implemented: the narrow seam the mesh plane programs through. */
public interface WireGuardDevice {
    String name();

    DeviceStatus status() throws IOException;

    /** Applies an incremental update; peers it does not name are untouched. */
    void apply(DeviceUpdate update) throws IOException;
}
