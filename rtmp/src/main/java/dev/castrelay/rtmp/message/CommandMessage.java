package dev.castrelay.rtmp.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An AMF0 command (type 20, or 17 with its AMF3 marker byte): name, transaction id, command object, arguments.
 *
 * @param commandObject usually a Map for connect and null elsewhere
 */
public record CommandMessage(long streamId, String name, double transactionId, Object commandObject,
                             List<Object> arguments) implements RtmpMessage {

    public CommandMessage {
        // AMF null is a legal argument, so List.copyOf (which refuses nulls) won't do.
        arguments = Collections.unmodifiableList(new ArrayList<>(arguments));
    }

    /** The i-th argument, or null when absent. */
    public Object argument(int i) {
        return i < arguments.size() ? arguments.get(i) : null;
    }

    /** The i-th argument as a string, or null when absent or not a string. */
    public String stringArgument(int i) {
        return argument(i) instanceof String s ? s : null;
    }

    /** The i-th argument as a map (an info object), or an empty map. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> objectArgument(int i) {
        return argument(i) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
