package dev.qnf.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.api.json.Json;
import dev.qnf.api.json.StateHashView;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.state.FabricImage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest behind {@code /v1/debug/state-hash}: every resource in the image's stable order, as its key and its
 * API object with fields sorted (label maps have no fixed order across processes), hashed with SHA-256.
 */
final class StateHashes {
    private StateHashes() {
    }

    static StateHashView of(FabricImage image) {
        MessageDigest sha = sha256();
        for (Resource r : image.resources()) {
            sha.update(r.key().toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(Json.withSortedFields(Views.object(r)).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        return new StateHashView(image.revision(), HexFormat.of().formatHex(sha.digest()), image.counts());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
