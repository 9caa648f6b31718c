package dev.qnf.api.json;

import java.util.List;

public record AllocationList(List<AllocationView> allocations, long revision) {
}
