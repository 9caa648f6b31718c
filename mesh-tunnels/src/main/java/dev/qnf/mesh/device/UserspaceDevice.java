package dev.qnf.mesh.device;

import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.uapi.UapiClient;
import dev.qnf.mesh.uapi.UapiException;

/** A device served by a userspace implementation (wireguard-go), programmed over its UAPI socket. */
public final class UserspaceDevice implements WireGuardDevice {
    private final String name;
    private final UapiClient uapi;

    public UserspaceDevice(String name, UapiClient uapi) {
        this.name = name;
        this.uapi = uapi;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceStatus status() throws UapiException {
        return uapi.get();
    }

    @Override
    public void apply(DeviceUpdate update) throws UapiException {
        uapi.set(update);
    }
}
