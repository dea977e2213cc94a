package dev.castrelay.rtmp.message;

/**
 * User control message (type 4, spec 7.1.7).
 *
 * @param value the event's first field (usually a stream id or a ping timestamp)
 * @param extra the second field of Set Buffer Length (buffer ms), else 0
 */
public record UserControl(int eventType, long value, long extra) implements RtmpMessage {

    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;

    public static UserControl streamBegin(long streamId) {
        return new UserControl(STREAM_BEGIN, streamId, 0);
    }

    public static UserControl pingResponse(long timestamp) {
        return new UserControl(PING_RESPONSE, timestamp, 0);
    }
}
