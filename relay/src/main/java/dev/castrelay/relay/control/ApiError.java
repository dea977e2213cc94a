package dev.castrelay.relay.control;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An answer the control API gives instead of the normal one: its status and the JSON body
 * {@code {"error": "...", "detail": "..."}}. Thrown by the API's handlers, turned into a response in one place.
 * Messages never hold a secret.
 */
public final class ApiError extends RuntimeException {

    private final HttpResponseStatus status;
    private final String detail;
    private final String allow;

    public ApiError(HttpResponseStatus status, String error, String detail) {
        this(status, error, detail, null);
    }

    private ApiError(HttpResponseStatus status, String error, String detail, String allow) {
        super(error, null, false, false);
        this.status = status;
        this.detail = detail;
        this.allow = allow;
    }

    /** A 405; {@code allowed} goes into the {@code Allow} header. */
    public static ApiError methodNotAllowed(String method, String allowed) {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed",
                method + " is not allowed here; allowed: " + allowed, allowed);
    }

    public static ApiError badRequest(String error, String detail) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, error, detail);
    }

    public static ApiError unknownTarget(String id) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "unknown target", "no target '" + id + "'");
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String error() {
        return getMessage();
    }

    public String detail() {
        return detail;
    }

    /** The methods a 405 names, or null. */
    public String allow() {
        return allow;
    }
}
