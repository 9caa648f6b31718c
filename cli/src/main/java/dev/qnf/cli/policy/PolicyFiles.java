package dev.qnf.cli.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.policy.PolicyViews;
import dev.qnf.fabric.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads policy files (YAML or JSON: JSON is YAML) into the wire form and checks them locally, so a typo is reported
 * with the file's name before anything is sent. The server checks again; this is for early, readable errors.
 */
public final class PolicyFiles {
    /** Unknown fields are errors: a misspelt "ingres" must not silently mean "no ingress rules". */
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PolicyFiles() {
    }

    /** A QNF policy file: {@code policies:}, {@code defaults:} and {@code tests:}. */
    public static PolicyFile read(Path file) {
        PolicyFile f = parse(file, text(file));
        try {
            PolicyViews.toPolicies(f);
            PolicyViews.toDefaults(f);
            PolicyViews.toTests(f);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(file + ": " + e.getMessage());
        }
        return f;
    }

    static PolicyFile parse(Path file, String text) {
        try {
            PolicyFile f = YAML.readValue(text, PolicyFile.class);
            if (f == null) {
                throw new InvalidInputException(file + " is empty");
            }
            return f;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
    }

    /** Every YAML document of a file (separated by {@code ---}), as trees; empty documents are skipped. */
    public static List<JsonNode> documents(Path file) {
        String text = text(file);
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new InvalidInputException(file + ": " + msg);
        }
        return out;
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
