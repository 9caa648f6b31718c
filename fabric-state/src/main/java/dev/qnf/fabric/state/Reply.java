package dev.qnf.fabric.state;

import dev.qnf.fabric.model.Resource;

/** The answer to one command. Refusals are values, not exceptions: they are a normal, replicated outcome. */
public sealed interface Reply permits Reply.Ok, Reply.Rejected {

    /** Accepted. {@code resource} is the object as it now stands (null after a delete); {@code created} is false for retries and no-ops. */
    record Ok(Resource resource, boolean created) implements Reply {
    }

    record Rejected(ErrorCode code, String message) implements Reply {
    }

    static Reply ok(Resource resource, boolean created) {
        return new Ok(resource, created);
    }

    static Reply rejected(ErrorCode code, String message) {
        return new Rejected(code, message);
    }
}
