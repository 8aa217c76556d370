/**
 * The event-bus bridges: SockJS (browsers, Node) and TCP (Python, Go), read-only, with the filtered
 * channel addresses ({@code certstream.<stream>.domain.<name>}) published only while someone follows them.
 */
package io.certstream.hub.bridge;
