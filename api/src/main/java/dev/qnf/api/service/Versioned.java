package dev.qnf.api.service;

/** A read result and the revision of the state it was read from. */
public record Versioned<T>(T value, long revision) {
}
