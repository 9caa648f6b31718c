package dev.qnf.api.client;

/** The answer to a create: the object, and whether this call created it (false: it already existed, unchanged). */
public record Written<T>(T value, boolean created) {
}
