package dev.castrelay.relay.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.castrelay.config.AlertFormat;

/**
 * The body of an alert's POST. {@code json}: the alert document of PRODUCT.md,
 * {@code {"event": "target.down", "at": "...", "target": "youtube", "state": "reconnecting", "detail": "..."}},
 * plus {@code url} (masked) for targets, {@code rendition} and {@code input} where they apply. {@code slack}:
 * {@code {"text": "..."}}, one line that Slack and Mattermost incoming webhooks show as a message.
 */
public final class AlertPayload {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AlertPayload() {
    }

    public static String body(Alert a, AlertFormat format) {
        return switch (format) {
            case JSON -> document(a).toString();
            case SLACK -> NODES.objectNode().put("text", slackText(a)).toString();
        };
    }

    /** The alert document. {@code target} is always there (null for the ingest and renditions), as in the contract. */
    public static ObjectNode document(Alert a) {
        ObjectNode o = NODES.objectNode();
        o.put("event", a.event().id());
        o.put("at", a.at().toString());
        o.put("target", a.target());
        if (a.url() != null) {
            o.put("url", a.url());
        }
        if (a.rendition() != null) {
            o.put("rendition", a.rendition());
        }
        if (a.input() != null) {
            o.put("input", a.input());
        }
        o.put("state", a.state());
        o.put("detail", a.detail());
        return o;
    }

    /** {@code :red_circle: castrelay target.down: youtube (reconnecting): not live for 30 s ...} */
    static String slackText(Alert a) {
        String subject = a.target() != null ? "target " + a.target()
                : a.rendition() != null ? "rendition " + a.rendition() : "ingest";
        String mark = !a.event().isProblem() ? ":large_green_circle:"
                : a.event() == AlertEvent.INGEST_FAILOVER || a.event() == AlertEvent.RENDITION_SLOW ? ":warning:"
                : ":red_circle:";
        return mark + " castrelay *" + a.event().id() + "*: " + escape(subject) + " (" + escape(a.state()) + "): "
                + escape(a.detail());
    }

    /** Slack's three control characters; everything else is literal. */
    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
