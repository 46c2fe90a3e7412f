/**
 * Benchmarks. JMH benchmarks: build with {@code mvn -pl bench -am package} and run {@code java -jar
 * bench/target/benchmarks.jar <benchmark> [JMH options]}; each benchmark's javadoc says what it
 * measures and which parameters it takes. Also the small programs the end-to-end benchmark scripts
 * under {@code bench/} run: loaders for the baselines kubetrail is compared with, latency probes.
 * Not an API.
 */
package io.kubetrail.bench;
