package dev.qnf.fabric.state;

/** A change as watchers see it, stamped with the revision (Raft log index) that made it. */
public record Event(long revision, Change change) {
}
