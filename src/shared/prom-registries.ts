/**
 * @module The prom-client registries a process serves at /metrics that also go out over OTLP when the OTEL_*
 * environment asks for it (src/shared/prom-otlp.ts reads them). Apart from the exporter so registering costs
 * nothing when nothing is exported.
 */
import type { Registry } from 'prom-client';

/** The registries to export, read at each OTLP collection. */
export const exportedRegistries = new Set<Registry>();

/** Adds a registry to what the producer exports; returns the function that removes it again. */
export function exportRegistry(registry: Registry): () => void {
  exportedRegistries.add(registry);
  return () => exportedRegistries.delete(registry);
}
