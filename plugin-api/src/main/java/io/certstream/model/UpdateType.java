package io.certstream.model;

/** The kind of CT log entry a certificate came from; the names are the wire values of {@code data.update_type}. */
public enum UpdateType {
    /** A final certificate logged as an {@code x509_entry}. */
    X509LogEntry,
    /** A precertificate (with the CT poison extension) logged as a {@code precert_entry}. */
    PrecertLogEntry
}
