/**
 * The {@code slack} plugin: sends alerts to a Slack incoming webhook as Block Kit messages, batched under
 * Slack's rate limit, honouring its {@code Retry-After}.
 */
package io.certstream.plugins.slack;
