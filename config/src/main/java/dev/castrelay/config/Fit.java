package dev.castrelay.config;

/** How a picture of another aspect ratio is fitted into a rendition's frame. */
public enum Fit {
    /** Fill the frame, cut the edges. */
    CROP,
    /** Letterbox / pillarbox with black bars. */
    PAD,
    /** Scale to the frame, ignoring the aspect ratio. */
    STRETCH
}
