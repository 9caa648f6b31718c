package dev.qnf.api.rest;

import dev.qnf.api.testing.ReplicaServers;
import dev.qnf.api.testing.Target;

/** Bad input changes nothing on a real replica either: refused before the log. */
class RestErrorsOnReplicaTest extends RestErrorContract {
    @Override
    protected Target start() {
        return ReplicaServers.single("err-r1");
    }
}
