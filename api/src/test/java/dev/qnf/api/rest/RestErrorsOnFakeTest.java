package dev.qnf.api.rest;

import dev.qnf.api.testing.FakeServers;
import dev.qnf.api.testing.Target;

class RestErrorsOnFakeTest extends RestErrorContract {
    @Override
    protected Target start() {
        return FakeServers.start("fake-err");
    }
}
