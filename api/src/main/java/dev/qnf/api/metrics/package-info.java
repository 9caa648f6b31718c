/** Prometheus metrics: Raft and fabric gauges, request metrics from Armeria, and the {@code /metrics} page. */
package dev.qnf.api.metrics;
