package io.certstream.hub.config;

/** A configuration value that is missing, malformed or out of range. The message names the key and where it came from. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
