package dev.qnf.api.json;

import java.util.List;

public record IdentityList(List<IdentityView> identities, long revision) {
}
