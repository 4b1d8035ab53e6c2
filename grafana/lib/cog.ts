/** @module Wraps a plain options object as an SDK builder, for nested options where the SDK wants a Builder and a literal reads better. */
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';

export function opts<T>(value: T): Builder<T> {
  return { build: () => value };
}
