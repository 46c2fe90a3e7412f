/**
 * The configuration of a long-running collector ({@code kubetrail collect --config FILE}): where
 * events go (a store, or a central kubetrail to forward to), what is done to them on the way, and
 * the sources they come from. {@link io.kubetrail.collect.config.CollectorConfig#load} reads and
 * checks a YAML file, naming the field path and what is allowed for every bad value.
 */
package io.kubetrail.collect.config;
