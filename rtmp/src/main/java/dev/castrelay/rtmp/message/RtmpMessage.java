package dev.castrelay.rtmp.message;

/**
 * An RTMP message above the chunk layer (spec 5.4, 6.2, 7.1). One record per message type; {@link MessageCodec}
 * maps them to and from {@link dev.castrelay.rtmp.chunk.RawMessage}.
 */
public sealed interface RtmpMessage permits SetChunkSize, Abort, Acknowledgement, UserControl,
        WindowAcknowledgementSize, SetPeerBandwidth, CommandMessage, MediaMessage, UnknownMessage {

    /** Message type ids (spec 5.4 and 7.1). */
    int TYPE_SET_CHUNK_SIZE = 1;
    int TYPE_ABORT = 2;
    int TYPE_ACKNOWLEDGEMENT = 3;
    int TYPE_USER_CONTROL = 4;
    int TYPE_WINDOW_ACK_SIZE = 5;
    int TYPE_SET_PEER_BANDWIDTH = 6;
    int TYPE_AUDIO = 8;
    int TYPE_VIDEO = 9;
    int TYPE_DATA_AMF3 = 15;
    int TYPE_COMMAND_AMF3 = 17;
    int TYPE_DATA_AMF0 = 18;
    int TYPE_COMMAND_AMF0 = 20;
    int TYPE_AGGREGATE = 22;
}
