/**
 * An example application of the Java client library: watches the stream for certificates whose domains contain
 * keywords (see examples/java-client/README.md).
 */
package example;
