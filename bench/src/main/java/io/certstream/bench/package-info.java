/**
 * Micro-benchmarks of the decode path: JMH ({@link io.certstream.bench.DecodeBenchmark}) and CPU time per
 * certificate and stage ({@link io.certstream.bench.CpuCost}), over simulated or real log entries.
 */
package io.certstream.bench;
