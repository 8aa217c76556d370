/**
 * Test helpers of the client module: runs the {@code certstream} CLI as a separate process and reads what it
 * prints.
 */
package io.certstream.client.testing;
