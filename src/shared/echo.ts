/**
 * @module What an answer may repeat of the request: values bounded in length, depth and count, so an
 * error never echoes megabytes of input nor overflows the serializer on a deeply nested body.
 */

/** Longest text repeated from a request (a value, a header, a key). */
export const ECHO_CHARS = 200;
/** Longest error message. */
export const MESSAGE_CHARS = 1000;
/** Levels of a repeated value shown before its inner containers are summarised. */
const VALUE_DEPTH = 3;
/** Items (array elements, object keys) a repeated value shows in all. */
const VALUE_ITEMS = 50;
/** Levels of an answer walked before the rest is summarised (a batch answer is five deep). */
const ANSWER_DEPTH = 8;

/** A string cut at `max` characters, saying how long it was. */
export function cut(s: string, max = ECHO_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}

function summary(v: object): string {
  return Array.isArray(v) ? `[array of ${v.length}]` : '{object}';
}

/**
 * A request value as an answer may repeat it: strings cut, containers shown to three levels and
 * 50 items in all, the rest summarised. Never throws and never recurses deeper than three levels.
 */
export function echoValue(v: unknown): unknown {
  let budget = VALUE_ITEMS;
  const walk = (x: unknown, depth: number): unknown => {
    if (typeof x === 'string') return cut(x);
    if (x === null || typeof x !== 'object') return typeof x === 'bigint' || typeof x === 'function' ? String(x) : x;
    if (depth >= VALUE_DEPTH) return summary(x);
    if (Array.isArray(x)) {
      const out: unknown[] = [];
      for (const item of x) {
        if (budget-- <= 0) {
          out.push(`…${x.length - out.length} more`);
          break;
        }
        out.push(walk(item, depth + 1));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(x);
    for (let i = 0; i < keys.length; i++) {
      if (budget-- <= 0) {
        out['…'] = `${keys.length - i} more keys`;
        break;
      }
      out[cut(keys[i]!)] = walk((x as Record<string, unknown>)[keys[i]!], depth + 1);
    }
    return out;
  };
  return walk(v, 0);
}

/** A request value for a message: its JSON text, bounded (`"abc"`, `[1,2]`, `{"a":…`). */
export function echoText(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(echoValue(v)) ?? String(v);
  return cut(text);
}

/**
 * An answer with everything it repeats bounded: every `value` field through echoValue, every string
 * cut, messages at MESSAGE_CHARS, and structure deeper than an answer has summarised. Lists keep all
 * their items (a batch answer names every rejected record; the batch size bounds them).
 */
export function boundAnswer<T>(answer: T): T {
  const walk = (x: unknown, depth: number, key: string): unknown => {
    if (key === 'value' || key === 'values') return echoValue(x);
    if (typeof x === 'string') return cut(x, key === 'message' ? MESSAGE_CHARS : ECHO_CHARS);
    if (x === null || typeof x !== 'object') return x;
    if (depth >= ANSWER_DEPTH) return summary(x);
    if (Array.isArray(x)) return x.map((item) => walk(item, depth + 1, ''));
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(x)) out[cut(k)] = walk(item, depth + 1, k);
    return out;
  };
  return walk(answer, 0, '') as T;
}
