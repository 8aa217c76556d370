/**
 * The hub's configuration: defaults from {@code config/hub.json}, the user's file and {@code CERTSTREAM_*} variables,
 * merged and validated into immutable records; errors name the key and where it came from.
 */
package io.certstream.hub.config;
