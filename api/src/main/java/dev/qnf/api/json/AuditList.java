package dev.qnf.api.json;

import java.util.List;

/** {@code GET /v1/audit}: the matching retained entries, oldest first, and the revision they were read at. */
public record AuditList(List<AuditEntryView> entries, long revision) {
}
