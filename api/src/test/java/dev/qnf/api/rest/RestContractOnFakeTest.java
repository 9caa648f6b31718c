package dev.qnf.api.rest;

import dev.qnf.api.testing.FakeServers;
import dev.qnf.api.testing.Target;

/** The REST contract over the in-memory fabric. */
class RestContractOnFakeTest extends RestContract {
    @Override
    protected Target start() {
        return FakeServers.start("fake-1");
    }
}
