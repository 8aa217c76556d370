package io.certstream.hub.decode;

/**
 * A log entry or certificate could not be decoded. The message names what was wrong and where
 * (entry index, field, offset), so an operator can fetch the entry from the log and look.
 */
public final class MalformedEntryException extends RuntimeException {

    public MalformedEntryException(String message) {
        super(message);
    }

    public MalformedEntryException(String message, Throwable cause) {
        super(message, cause);
    }
}
