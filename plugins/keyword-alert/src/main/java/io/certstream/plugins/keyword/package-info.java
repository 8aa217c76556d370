/**
 * The {@code keyword-alert} plugin: matches every certificate's domains against rules (exact, suffix, keyword,
 * regex, lookalike) and publishes an alert per match on {@code certstream.alerts}.
 */
package io.certstream.plugins.keyword;
