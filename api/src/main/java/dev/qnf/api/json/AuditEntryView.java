package dev.qnf.api.json;

/**
 * One accepted write of the audit trail: {@code who} (SPIFFE ID), {@code what} (command kind), {@code object}
 * (the key it was about), {@code time} (ISO-8601, the handling server's clock) and the {@code revision} it produced.
 */
public record AuditEntryView(long seq, String who, String what, String object, String time, long revision) {
}
