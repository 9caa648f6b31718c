package dev.qnf.api.service;

/** Whether this server should get traffic; {@code reason} says why not. */
public record ReadyCheck(boolean ready, String reason, String leader, long commitIndex, long appliedIndex) {
}
