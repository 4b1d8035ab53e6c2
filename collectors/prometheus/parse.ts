/** @module Parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0: text in, metric families out, errors naming the line. */

/** Which exposition format a body is in (from its Content-Type). */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** A metric family's type as declared by `# TYPE` (untyped/unknown when undeclared). */
export type MetricType =
  'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown' | 'untyped';

/** An OpenMetrics exemplar attached to a sample (after ` # `). */
export interface Exemplar {
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** One sample line. `timestampMs` is always milliseconds, whatever the format's unit. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
  exemplar?: Exemplar;
  /** 1-based line number in the body, for error messages downstream. */
  line: number;
}

/** A metric family: its metadata and its samples (for histograms: buckets, _sum, _count together). */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: ParsedSample[];
}

/** A parsed body. */
export interface Exposition {
  format: ExpositionFormat;
  families: MetricFamily[];
}

/** Bad exposition text; `line` is 1-based and also appears in the message. */
export class ExpositionError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
    this.name = 'ExpositionError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PROM_TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OM_TYPES = new Set<MetricType>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** Sample-name suffixes that belong to a family of the given type (OpenMetrics §Metric types; 0.0.4 uses a subset). */
const SUFFIXES: Record<MetricType, string[]> = {
  counter: ['_total', '_created'],
  gauge: [],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
  stateset: [],
  unknown: [],
  untyped: [],
};

/**
 * Picks the format from a Content-Type header: OpenMetrics when it says so, else the 0.0.4 text format
 * (which is also what servers that ignore `Accept` send, often with a bare `text/plain`).
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  return contentType !== undefined && /application\/openmetrics-text/i.test(contentType) ? 'openmetrics' : 'prometheus';
}

/**
 * A sample line's shape, checked without building anything: lines of metrics nobody asked for are
 * validated with one native match instead of being parsed into objects. No class crosses a newline, so
 * the sticky form checks a line in place in the body, from its start to its newline.
 */
const SAMPLE_SHAPE = String.raw`[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})?[ \t]+[^ \t\n]+(?:[ \t]+[^ \t#\n]+)?(?:[ \t]*# .*)?`;
const SAMPLE_SHAPE_AT = new RegExp(`${SAMPLE_SHAPE}(?=\\n|$)`, 'y');
const SAMPLE_SHAPE_LINE = new RegExp(`^${SAMPLE_SHAPE}$`);

/** Recent values remembered per label position (see {@link quickSample}); a cycle of modes or units fits. */
const VALUES_REMEMBERED = 8;

/**
 * Parses an exposition body. With `wanted`, only samples of those metric names are parsed into objects;
 * the other lines are checked for shape and family order but not kept (a scrape maps a few metrics of
 * the hundreds an exporter serves).
 *
 * The body is walked line by line in place: a line becomes a string of its own only when it is a
 * comment, or unusual enough to need the precise parser. Splitting a body into line strings made a
 * quarter of a scrape's garbage.
 * @example parseExposition('# TYPE up gauge\nup 1\n', 'prometheus').families[0].samples[0].value === 1
 */
export function parseExposition(text: string, format: ExpositionFormat, wanted?: ReadonlySet<string>): Exposition {
  const om = format === 'openmetrics';
  const families: MetricFamily[] = [];
  const byName = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  let sawEof = false;
  const skipped = new Set<MetricFamily>();

  const familyFor = (name: string, lineNo: number): MetricFamily => {
    let fam = byName.get(name);
    if (fam === undefined) {
      fam = { name, type: om ? 'unknown' : 'untyped', samples: [] };
      byName.set(name, fam);
      families.push(fam);
    } else if (fam !== current && (fam.samples.length > 0 || skipped.has(fam))) {
      // Both formats require a family's lines to be contiguous; interleaving means a broken exporter.
      throw new ExpositionError(lineNo, `metric family "${name}" appears again after other families`);
    }
    return fam;
  };

  /** The family of a sample: the current one if the name belongs to it, else the family of that name. */
  const familyOfSample = (name: string, lineNo: number): MetricFamily => {
    // The previous line had this name and went to `current` (no metadata line since): so does this one.
    if (current !== undefined && (current === runFam || belongsTo(name, current))) return current;
    return familyFor(name, lineNo);
  };

  // The run of sample lines in progress: metric name, whether it is wanted, the family it went to.
  let runName = '';
  let runWanted = false;
  let runFam: MetricFamily | undefined;
  // Label names and recent values of the last sample lines, reused in place (see quickSample).
  const labels = labelMemory();
  // Where the next backslash is (label escapes are rare): lines before it take the quick path.
  let backslash = text.indexOf('\\');

  let lineNo = 0;
  for (let start = 0; start < text.length;) {
    lineNo++;
    let next = text.indexOf('\n', start);
    if (next === -1) next = text.length;
    // 0.0.4 tolerates CRLF line ends; OpenMetrics does not (the \r stays and the line is refused).
    const end = !om && next > start && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    const lineStart = start;
    start = next + 1;
    if (sawEof) throw new ExpositionError(lineNo, 'content after "# EOF"');
    const first = text.charCodeAt(lineStart);
    if (end === lineStart || (first !== 35 && !isMetricChar(first))) {
      const line = text.slice(lineStart, end);
      if (line.trim() === '') {
        if (om) throw new ExpositionError(lineNo, 'empty line is not allowed in OpenMetrics');
        continue;
      }
    }
    if (first === 35 /* # */) {
      const line = text.slice(lineStart, end);
      if (om && line === '# EOF') {
        sawEof = true;
        continue;
      }
      const meta = parseMetaLine(line, om, lineNo);
      if (meta === undefined) continue; // a plain comment (0.0.4 only)
      const fam = familyFor(meta.name, lineNo);
      if (meta.kind === 'TYPE') {
        if (fam.samples.length > 0) throw new ExpositionError(lineNo, `TYPE for "${meta.name}" after its samples`);
        if (fam.type !== 'untyped' && fam.type !== 'unknown')
          throw new ExpositionError(lineNo, `second TYPE line for "${meta.name}"`);
        const type = meta.value as MetricType;
        if (!(om ? OM_TYPES : PROM_TYPES).has(type))
          throw new ExpositionError(lineNo, `unknown metric type "${meta.value}"`);
        fam.type = type;
      } else if (meta.kind === 'HELP') {
        if (fam.help !== undefined) throw new ExpositionError(lineNo, `second HELP line for "${meta.name}"`);
        fam.help = meta.value;
      } else {
        fam.unit = meta.value;
      }
      current = fam;
      runFam = undefined;
      continue;
    }
    // A sample line. Lines of one metric come in runs: its name, whether it is wanted and its family are
    // worked out on the first line of a run and, on the next lines, the name is compared in place.
    if (
      runName === '' ||
      !text.startsWith(runName, lineStart) ||
      lineStart + runName.length > end ||
      isMetricChar(text.charCodeAt(lineStart + runName.length))
    ) {
      let e = lineStart;
      while (e < end && isMetricChar(text.charCodeAt(e))) e++;
      runName = text.slice(lineStart, e);
      runWanted = wanted === undefined || wanted.has(runName);
      runFam = undefined;
    }
    if (backslash !== -1 && backslash < lineStart) backslash = text.indexOf('\\', lineStart);
    if (!runWanted) {
      SAMPLE_SHAPE_AT.lastIndex = lineStart;
      // The in-place shape ends at the newline; a 0.0.4 line ending in \r (end < next) is checked without it.
      const shaped = end === next ? SAMPLE_SHAPE_AT.test(text) : SAMPLE_SHAPE_LINE.test(text.slice(lineStart, end));
      if (!shaped) parseSampleLine(text.slice(lineStart, end), om, lineNo); // throws the precise error
      const fam = familyOfSample(runName, lineNo);
      // The family counts as seen (`skipped`), so an interleaved family is still refused.
      current = runFam = fam;
      skipped.add(fam);
      continue;
    }
    const sample =
      (backslash === -1 || backslash >= end
        ? quickSampleAt(text, lineStart, end, runName, labels, om, lineNo)
        : undefined) ?? parseSampleLine(text.slice(lineStart, end), om, lineNo);
    const fam = familyOfSample(sample.name, lineNo);
    checkSample(sample, fam, om);
    fam.samples.push(sample);
    current = runFam = fam;
  }
  if (om && !sawEof) throw new ExpositionError(lineNo + 1, 'missing "# EOF" (truncated OpenMetrics body?)');
  return { format, families };
}

function belongsTo(sampleName: string, fam: MetricFamily): boolean {
  if (sampleName === fam.name) return true;
  const n = fam.name.length;
  // Called for every sample: compare the suffix in place instead of building name + suffix strings.
  return sampleName.length > n && sampleName.startsWith(fam.name) && SUFFIXES[fam.type].includes(sampleName.slice(n));
}

/** Type-specific rules: buckets need `le`, quantiles need `quantile`, OpenMetrics counters end in _total. */
function checkSample(sample: ParsedSample, fam: MetricFamily, om: boolean): void {
  // The suffix is compared in place: slicing it for every sample of a counter family made garbage.
  const bare = sample.name.length === fam.name.length;
  if (
    (fam.type === 'histogram' || fam.type === 'gaugehistogram') &&
    sample.name.length === fam.name.length + 7 &&
    sample.name.endsWith('_bucket')
  ) {
    const le = sample.labels['le'];
    if (le === undefined) throw new ExpositionError(sample.line, `histogram bucket "${sample.name}" has no "le" label`);
    if (Number.isNaN(parseNumber(le)))
      throw new ExpositionError(sample.line, `histogram bucket "le" value "${le}" is not a number`);
  }
  if (fam.type === 'summary' && bare) {
    const q = sample.labels['quantile'];
    if (q === undefined)
      throw new ExpositionError(sample.line, `summary sample "${sample.name}" has no "quantile" label`);
    if (Number.isNaN(parseNumber(q)))
      throw new ExpositionError(sample.line, `summary "quantile" value "${q}" is not a number`);
  }
  if (om && fam.type === 'counter' && bare) {
    throw new ExpositionError(sample.line, `OpenMetrics counter sample "${sample.name}" must end in _total`);
  }
  if (sample.exemplar !== undefined && !om)
    throw new ExpositionError(sample.line, 'exemplars exist only in OpenMetrics');
}

interface MetaLine {
  kind: 'HELP' | 'TYPE' | 'UNIT';
  name: string;
  value: string;
}

function parseMetaLine(line: string, om: boolean, lineNo: number): MetaLine | undefined {
  const m = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+(\S+)(?:[ \t](.*))?$/.exec(line);
  if (m === null || (m[1] === 'UNIT' && !om)) {
    if (om)
      throw new ExpositionError(
        lineNo,
        `unexpected comment "${truncate(line)}" (OpenMetrics allows only HELP, TYPE, UNIT and EOF)`,
      );
    return undefined;
  }
  const kind = m[1] as MetaLine['kind'];
  const name = m[2]!;
  if (!METRIC_NAME.test(name)) throw new ExpositionError(lineNo, `invalid metric name "${name}"`);
  let value = m[3] ?? '';
  if (kind === 'HELP') value = unescape(value, om ? ['\\', 'n', '"'] : ['\\', 'n'], lineNo, !om);
  else value = value.trim();
  return { kind, name, value };
}

/** Undoes `\\`, `\n` (and `\"`); 0.0.4 HELP keeps other backslashes literally, as Prometheus does. */
function unescape(s: string, allowed: string[], lineNo: number, lenient: boolean): string {
  // Most HELP texts have no backslash: no string built character by character.
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[i + 1];
    if (next !== undefined && allowed.includes(next)) {
      out += next === 'n' ? '\n' : next;
      i++;
    } else if (lenient) {
      out += c;
    } else {
      throw new ExpositionError(lineNo, `invalid escape "\\${next ?? ''}"`);
    }
  }
  return out;
}

/** A cursor over one line. */
interface Cursor {
  s: string;
  i: number;
  line: number;
}

/** Label names of the previous sample line and recent values per label position, kept across a body's lines. */
export interface LabelMemory {
  /** The previous line's label names, in order; never two equal ones (see {@link quickSampleAt}). */
  names: string[];
  /** Recent values per position. */
  values: RecentValues[];
  /** The values of the line at hand, by position. */
  line: string[];
  /** How many of `names` {@link LabelMemory.make} was built for; -1 when `names` changed since. */
  count: number;
  make?: LabelMaker;
}

/** An empty {@link LabelMemory}, for one body. */
export function labelMemory(): LabelMemory {
  return { names: [], values: [], line: [], count: -1 };
}

/** Builds the labels object of a line from its values, for one sequence of label names. */
type LabelMaker = (values: readonly string[]) => Record<string, string>;

/** Makers by label-name sequence, shared by every body: exporters repeat a few sequences on every scrape. */
const makers = new Map<string, LabelMaker>();
/** Distinct name sequences compiled at most; past it (a runaway exporter), objects are built key by key. */
const MAKERS_MAX = 1000;

/**
 * The maker for `names[0, count)`: a compiled object literal, so each line's labels object is allocated
 * with its final shape in one step. Adding the properties one by one, as keys only known at run time,
 * cost a fifth of the parse of a node_exporter page. Label names are checked identifiers (never
 * `__proto__`, which the quick path leaves to the line parser) and are quoted as JSON all the same.
 */
function labelMaker(names: readonly string[], count: number): LabelMaker {
  const own = names.slice(0, count);
  const key = own.join(',');
  let make = makers.get(key);
  if (make !== undefined) return make;
  if (makers.size >= MAKERS_MAX)
    return (values) => {
      const labels: Record<string, string> = {};
      for (let i = 0; i < own.length; i++) labels[own[i]!] = values[i]!;
      return labels;
    };
  const fields = own.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
  make = new Function('v', `return { ${fields} };`) as LabelMaker;
  makers.set(key, make);
  return make;
}

/**
 * The common sample line, `name{a="b",...} value [timestamp]` with no escapes, tabs, runs of blanks,
 * NaN or exemplar, read in one pass without a cursor or regular expressions. `name` is the line's
 * metric name as the caller already read it. Anything else, including every malformed line, returns
 * undefined and goes to {@link parseSampleLine}, which also names the error.
 *
 * The line is the test's own string; the parser reads {@link quickSampleAt} in place in the body.
 */
export function quickSample(
  line: string,
  name: string,
  memory: LabelMemory,
  om: boolean,
  lineNo: number,
): ParsedSample | undefined {
  if (line.includes('\\') || line.includes('\n')) return undefined;
  return quickSampleAt(line, 0, line.length, name, memory, om, lineNo);
}

/**
 * {@link quickSample} on `text` from `start` to `n` (the line's end, before its newline), which holds no
 * backslash (the caller knows where the next one is).
 *
 * `memory.names` holds the label names of the previous line: a name found again at the same position is
 * compared in place and its string reused, instead of being sliced and looked up as a new property key.
 * `memory.values` does the same for values at each position (`cpu="0"` over eight modes, the eight modes
 * over every CPU, `instance` on every line): a value seen lately is not sliced again, which made most of
 * a scrape's garbage.
 */
function quickSampleAt(
  text: string,
  start: number,
  n: number,
  name: string,
  memory: LabelMemory,
  om: boolean,
  lineNo: number,
): ParsedSample | undefined {
  if (name === '' || isDigit(name.charCodeAt(0))) return undefined;
  const labelNames = memory.names;
  const values = memory.line;
  let i = start + name.length;
  let count = 0;
  if (text.charCodeAt(i) === 123 /* { */) {
    i++;
    for (let k = 0; text.charCodeAt(i) !== 125 /* } */; k++) {
      if (i >= n) return undefined;
      const from = i;
      let label = labelNames[k];
      if (label !== undefined && text.startsWith(label, from) && text.charCodeAt(from + label.length) === 61 /* = */) {
        i += label.length;
      } else {
        while (i < n && isLabelChar(text.charCodeAt(i))) i++;
        if (i === from || isDigit(text.charCodeAt(from)) || text.charCodeAt(i) !== 61) return undefined;
        label = text.slice(from, i);
        // A label name twice on one line: the line parser names the error. Names found again at their
        // position need no such check: the remembered ones are distinct, as the names after a new one are
        // forgotten.
        for (let j = 0; j < k; j++) if (labelNames[j] === label) return undefined;
        if (label === '__proto__') return undefined;
        labelNames[k] = label;
        labelNames.length = k + 1;
        memory.count = -1;
      }
      if (text.charCodeAt(i + 1) !== 34 /* " */) return undefined;
      const close = text.indexOf('"', i + 2);
      if (close === -1 || close >= n) return undefined;
      values[k] = rememberedValue(text, i + 2, close, (memory.values[k] ??= { values: [], last: 0, oldest: 0 }));
      count = k + 1;
      i = close + 1;
      if (text.charCodeAt(i) === 44 /* , */) i++;
      else if (text.charCodeAt(i) !== 125) return undefined;
    }
    if (count !== memory.count) {
      memory.count = count;
      memory.make = labelMaker(labelNames, count);
    }
    i++;
  }
  if (i >= n || text.charCodeAt(i) !== 32) return undefined;
  const valueStart = ++i;
  while (i < n && text.charCodeAt(i) !== 32) i++;
  let value = shortDecimalAt(text, valueStart, i);
  if (Number.isNaN(value)) value = parseNumber(text.slice(valueStart, i));
  if (Number.isNaN(value)) return undefined;
  const labels = count === 0 ? {} : memory.make!(values);
  const sample: ParsedSample = { name, labels, value, line: lineNo };
  if (i < n) {
    const ts = timestampOf(text.slice(i + 1, n), om);
    if (ts === undefined) return undefined;
    sample.timestampMs = ts;
  }
  return sample;
}

/** Recent values at one label position: a ring of up to {@link VALUES_REMEMBERED}. */
export interface RecentValues {
  values: string[];
  /** Where the last value found or added is. */
  last: number;
  /** Where the next new value goes once the ring is full (the oldest). */
  oldest: number;
}

/**
 * `text[from, to)` as a string from `recent` when one of them is equal, else sliced and remembered. The
 * search starts at the last value found and goes on with the one after it: a value repeated over lines
 * (`cpu="3"` over its modes) is found at once, and so is the next of a cycle (the modes over every CPU).
 */
function rememberedValue(text: string, from: number, to: number, recent: RecentValues): string {
  const len = to - from;
  const values = recent.values;
  const n = values.length;
  let j = recent.last;
  for (let tried = 0; tried < n; tried++) {
    const v = values[j]!;
    if (v.length === len && text.startsWith(v, from)) {
      recent.last = j;
      return v;
    }
    j = j + 1 === n ? 0 : j + 1;
  }
  const v = text.slice(from, to);
  if (n < VALUES_REMEMBERED) {
    recent.last = values.push(v) - 1;
  } else {
    values[recent.oldest] = v;
    recent.last = recent.oldest;
    recent.oldest = recent.oldest + 1 === n ? 0 : recent.oldest + 1;
  }
  return v;
}

/** Any sample line, with every error named; exported for the test that holds {@link quickSample} to it. */
export function parseSampleLine(line: string, om: boolean, lineNo: number): ParsedSample {
  const c: Cursor = { s: line, i: 0, line: lineNo };
  const name = readWhile(c, isMetricChar);
  if (name === '' || !METRIC_NAME.test(name))
    throw new ExpositionError(lineNo, `invalid metric name at "${truncate(line)}"`);
  const labels = c.s[c.i] === '{' ? readLabels(c) : {};
  if (c.s[c.i] !== ' ' && !(c.s[c.i] === '\t' && !om))
    throw new ExpositionError(lineNo, `expected a space before the value of "${name}"`);
  skipSpaces(c, om);
  const valueText = readWhile(c, notBlank);
  const value = parseNumber(valueText);
  if (valueText === '' || (Number.isNaN(value) && !/^[+-]?nan$/i.test(valueText))) {
    throw new ExpositionError(lineNo, `invalid value "${valueText}" for "${name}"`);
  }
  const sample: ParsedSample = { name, labels, value, line: lineNo };
  skipSpaces(c, om);
  if (c.i < c.s.length && c.s[c.i] !== '#') {
    const tsText = readWhile(c, notBlank);
    sample.timestampMs = parseTimestamp(tsText, om, lineNo);
    skipSpaces(c, om);
  }
  if (c.i < c.s.length) {
    if (!om || !c.s.startsWith('# ', c.i))
      throw new ExpositionError(lineNo, `unexpected text "${truncate(c.s.slice(c.i))}" after the value of "${name}"`);
    c.i += 2;
    sample.exemplar = readExemplar(c);
  }
  return sample;
}

function readExemplar(c: Cursor): Exemplar {
  if (c.s[c.i] !== '{') throw new ExpositionError(c.line, 'exemplar must start with a label set "{...}"');
  const labels = readLabels(c);
  if (c.s[c.i] !== ' ') throw new ExpositionError(c.line, 'expected a space before the exemplar value');
  c.i++;
  const valueText = readWhile(c, notSpace);
  const value = parseNumber(valueText);
  if (Number.isNaN(value)) throw new ExpositionError(c.line, `invalid exemplar value "${valueText}"`);
  const ex: Exemplar = { labels, value };
  if (c.s[c.i] === ' ') {
    c.i++;
    ex.timestampMs = parseTimestamp(readWhile(c, notSpace), true, c.line);
  }
  if (c.i < c.s.length)
    throw new ExpositionError(c.line, `unexpected text "${truncate(c.s.slice(c.i))}" after the exemplar`);
  return ex;
}

function readLabels(c: Cursor): Record<string, string> {
  const labels: Record<string, string> = {};
  c.i++; // '{'
  for (;;) {
    if (c.s[c.i] === '}') {
      c.i++;
      return labels;
    }
    const name = readWhile(c, isLabelChar);
    if (!LABEL_NAME.test(name)) throw new ExpositionError(c.line, `invalid label name "${name}${c.s[c.i] ?? ''}"`);
    if (c.s[c.i] !== '=') throw new ExpositionError(c.line, `expected "=" after label name "${name}"`);
    c.i++;
    if (c.s[c.i] !== '"') throw new ExpositionError(c.line, `label "${name}" value must be quoted`);
    c.i++;
    // Fast path: no escape before the closing quote (almost every label value).
    const close = c.s.indexOf('"', c.i);
    const esc = c.s.indexOf('\\', c.i);
    let value = '';
    if (close !== -1 && (esc === -1 || esc > close)) {
      value = c.s.slice(c.i, close);
      c.i = close + 1;
    } else
      for (;;) {
        const ch = c.s[c.i];
        if (ch === undefined) throw new ExpositionError(c.line, `unterminated value of label "${name}"`);
        c.i++;
        if (ch === '"') break;
        if (ch === '\\') {
          const next = c.s[c.i];
          if (next === '\\' || next === '"') value += next;
          else if (next === 'n') value += '\n';
          else throw new ExpositionError(c.line, `invalid escape "\\${next ?? ''}" in label "${name}"`);
          c.i++;
        } else {
          value += ch;
        }
      }
    if (Object.hasOwn(labels, name)) throw new ExpositionError(c.line, `duplicate label "${name}"`);
    labels[name] = value;
    if (c.s[c.i] === ',') c.i++;
    else if (c.s[c.i] !== '}') throw new ExpositionError(c.line, `expected "," or "}" after label "${name}"`);
  }
}

/** Parses a sample value as Go's ParseFloat would: decimals, exponents, NaN, ±Inf. Returns NaN if invalid. */
export function parseNumber(text: string): number {
  // Plain decimals first: almost every value is one.
  if (isDecimal(text)) return Number(text);
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return NaN;
}

/** Exact powers of ten: every one up to 1e22 is a double (and 1e23 is not). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `text[from, to)` as a number when it is a decimal of at most 15 digits without exponent, else NaN (the
 * caller then asks {@link parseNumber}); read in place, without the string a slice would make for every
 * sample. Exact: the digits make an integer below 2^53 and the point a power of ten up to 1e22, both
 * doubles, so their one correctly rounded division is the double nearest the decimal, as `Number()` gives.
 */
function shortDecimalAt(text: string, from: number, to: number): number {
  let i = from;
  let c = text.charCodeAt(i);
  const negative = c === 45; /* - */
  if (negative || c === 43 /* + */) c = text.charCodeAt(++i);
  let m = 0;
  let digits = 0;
  let point = -1;
  for (; i < to; c = text.charCodeAt(++i)) {
    if (isDigit(c)) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === 46 /* . */ && point === -1) point = digits;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = point === -1 ? m : m / POWERS_OF_TEN[digits - point]!;
  return negative ? -v : v;
}

/** `text` is `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, checked by code point (a regular expression per value cost more). */
function isDecimal(text: string): boolean {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  let digits = 0;
  for (; isDigit(c); digits++) c = text.charCodeAt(++i);
  if (c === 46 /* . */) {
    c = text.charCodeAt(++i);
    for (; isDigit(c); digits++) c = text.charCodeAt(++i);
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69 /* e E */) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    if (!isDigit(c)) return false;
    while (isDigit(c)) c = text.charCodeAt(++i);
  }
  return i === n;
}

/** 0.0.4 timestamps are integer milliseconds; OpenMetrics ones are (possibly fractional) seconds. */
function parseTimestamp(text: string, om: boolean, lineNo: number): number {
  const ms = timestampOf(text, om);
  if (ms === undefined)
    throw new ExpositionError(
      lineNo,
      `invalid timestamp "${text}" (${om ? 'seconds' : 'integer milliseconds'} expected)`,
    );
  return ms;
}

/** A timestamp in milliseconds, or undefined when `text` is not one. */
function timestampOf(text: string, om: boolean): number | undefined {
  if (om) {
    const s = parseNumber(text);
    return Number.isFinite(s) ? Math.round(s * 1000) : undefined;
  }
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

/** Character classes as code-point tests: a regular expression per character dominated scrape CPU. */
function isLabelChar(ch: number): boolean {
  return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95;
}
function isMetricChar(ch: number): boolean {
  return isLabelChar(ch) || ch === 58;
}
function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}
function notBlank(ch: number): boolean {
  return ch !== 32 && ch !== 9;
}
function notSpace(ch: number): boolean {
  return ch !== 32;
}

function readWhile(c: Cursor, ok: (ch: number) => boolean): string {
  const start = c.i;
  const s = c.s;
  while (c.i < s.length && ok(s.charCodeAt(c.i))) c.i++;
  return s.slice(start, c.i);
}

/** 0.0.4 allows runs of blanks between tokens; OpenMetrics exactly one space. */
function skipSpaces(c: Cursor, om: boolean): void {
  if (om) {
    if (c.s[c.i] === ' ') c.i++;
    return;
  }
  while (c.s[c.i] === ' ' || c.s[c.i] === '\t') c.i++;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
