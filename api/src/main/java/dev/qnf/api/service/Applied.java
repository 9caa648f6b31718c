package dev.qnf.api.service;

/**
 * A write result: the resource as it now stands (null after a delete), whether this call created it (false for an
 * idempotent retry), and the revision of the state the answer reflects.
 */
public record Applied<T>(T value, boolean created, long revision) {
}
