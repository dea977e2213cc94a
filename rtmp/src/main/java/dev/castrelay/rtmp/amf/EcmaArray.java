package dev.castrelay.rtmp.amf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AMF0 ECMA array (marker 0x08): an associative array, written as such rather than as an anonymous object.
 * {@code onMetaData} is conventionally one.
 */
public final class EcmaArray extends LinkedHashMap<String, Object> {

    public EcmaArray() {
    }

    public EcmaArray(Map<String, ?> entries) {
        super(entries);
    }
}
