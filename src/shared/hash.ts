/** @module FNV-1a: a cheap stable hash of a string, for spreading work (start offsets) the same way after every restart. */

/** 32-bit FNV-1a of `s`, unsigned. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
