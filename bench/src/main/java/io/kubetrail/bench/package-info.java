/**
 * JMH benchmarks. Build with {@code mvn -pl bench -am package} and run {@code java -jar
 * bench/target/benchmarks.jar <benchmark> [JMH options]}; each benchmark's javadoc says what it
 * measures and which parameters it takes. Not an API.
 */
package io.kubetrail.bench;
