package dev.storekeeper.jobs;

/** A measurement a processor produced, before it is stored. */
public record MetricValue(String name, double value, String unit) {}
