package dev.qnf.api.json;

import java.util.List;

/** {@code GET /v1/tokens}: ids and metadata only, never secrets. */
public record TokenList(List<TokenView> tokens, long revision) {
}
