/**
 * @module Compiles a catalog quantity tree into a function of one center's window (no strings evaluated).
 *
 * A result of `undefined` means the center lacks an input: it is left out of numerator and denominator.
 */
import type { Quantity } from '../catalog/types.ts';

/** What a compiled quantity reads for one center. */
export interface QuantityInputs {
  /** Raw metric value for the window (telemetry, declaration or registry), undefined when absent. */
  metric(id: string): number | undefined;
  /** Runtime or reference parameter. */
  param(id: string): number | undefined;
}

export type CompiledQuantity = (inputs: QuantityInputs) => number | undefined;

/** Turns the tree into nested closures once; evaluating is then a few calls per center. */
export function compileQuantity(q: Quantity): CompiledQuantity {
  if ('metric' in q) {
    const id = q.metric;
    const dflt = q.default;
    return dflt === undefined ? (i) => i.metric(id) : (i) => i.metric(id) ?? dflt;
  }
  if ('param' in q) {
    const id = q.param;
    return (i) => i.param(id);
  }
  if ('const' in q) {
    const v = q.const;
    return () => v;
  }
  if ('sum' in q) return fold(q.sum.map(compileQuantity), (a, b) => a + b);
  if ('product' in q) return fold(q.product.map(compileQuantity), (a, b) => a * b);
  if ('max' in q) return fold(q.max.map(compileQuantity), (a, b) => (a > b ? a : b));
  if ('difference' in q) {
    const [a, b] = q.difference.map(compileQuantity) as [CompiledQuantity, CompiledQuantity];
    return (i) => {
      const x = a(i);
      if (x === undefined) return undefined;
      const y = b(i);
      return y === undefined ? undefined : x - y;
    };
  }
  const [a, b] = q.quotient.map(compileQuantity) as [CompiledQuantity, CompiledQuantity];
  return (i) => {
    const x = a(i);
    if (x === undefined) return undefined;
    const y = b(i);
    return y === undefined || y === 0 ? undefined : x / y;
  };
}

function fold(parts: CompiledQuantity[], op: (a: number, b: number) => number): CompiledQuantity {
  return (i) => {
    let acc: number | undefined;
    for (const p of parts) {
      const v = p(i);
      if (v === undefined) return undefined;
      acc = acc === undefined ? v : op(acc, v);
    }
    return acc;
  };
}
