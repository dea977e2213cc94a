package dev.castrelay.relay.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * Where in a document a Jackson error points, as the documentation writes fields: {@code ingest.inputs[0].since}.
 * Errors about the health document and the state file name this place instead of quoting Jackson's message,
 * which quotes the text around the error (in the state file, a key).
 */
final class JsonPlace {

    private JsonPlace() {
    }

    /** The place {@code e} points at, or empty for the document itself (or a syntax error). */
    static String of(JsonProcessingException e) {
        StringBuilder where = new StringBuilder();
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    where.append(where.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    where.append('[').append(r.getIndex()).append(']');
                }
            }
        }
        return where.toString();
    }
}
