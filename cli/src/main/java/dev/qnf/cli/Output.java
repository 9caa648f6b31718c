package dev.qnf.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Prints results as a table (the default, for people) or as JSON/YAML (for scripts). */
public final class Output {
    public enum Format { table, json, yaml }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final Format format;
    private final PrintWriter out;

    public Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    /** A table column: a header and how to read the cell from a row. */
    public record Column<T>(String header, Function<T, Object> value) {
        public static <T> Column<T> of(String header, Function<T, Object> value) {
            return new Column<>(header, value);
        }
    }

    /** The JSON/YAML document for {@code rows}: one row is that object (what a create or get answers), more a list. */
    public static Object document(List<?> rows) {
        return rows.size() == 1 ? rows.get(0) : rows;
    }

    /** Prints {@code document} as JSON/YAML, or {@code rows} as a table. */
    @SafeVarargs
    public final <T> void print(Object document, List<T> rows, Column<T>... columns) {
        if (format != Format.table) {
            structured(document);
            return;
        }
        List<String[]> cells = new ArrayList<>();
        String[] header = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            header[i] = columns[i].header();
        }
        cells.add(header);
        for (T row : rows) {
            String[] line = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                Object v = columns[i].value().apply(row);
                line[i] = v == null ? "-" : String.valueOf(v);
            }
            cells.add(line);
        }
        int[] widths = new int[columns.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                sb.append(i == line.length - 1 ? line[i] : String.format("%-" + (widths[i] + 2) + "s", line[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }

    /** A single object: JSON/YAML, or "key: value" lines for people. */
    public void structured(Object document) {
        try {
            ObjectMapper mapper = format == Format.yaml ? YAML : JSON;
            out.println(mapper.writeValueAsString(document).stripTrailing());
            out.flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void line(String text) {
        out.println(text);
        out.flush();
    }

    public Format format() {
        return format;
    }
}
