/**
 * @module Table-driven tests of the exposition parser: both formats, escapes, special values, timestamps, histograms,
 * errors; its quick path against the full one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseExposition,
  formatFromContentType,
  ExpositionError,
  labelMemory,
  parseNumber,
  parseSampleLine,
  quickSample,
} from './parse.ts';
import type { ExpositionFormat, MetricFamily, ParsedSample } from './parse.ts';

interface GoodCase {
  name: string;
  format: ExpositionFormat;
  text: string;
  check: (families: MetricFamily[]) => void;
}

const good: GoodCase[] = [
  {
    name: 'a typed gauge with HELP and labels',
    format: 'prometheus',
    text: '# HELP up Whether the target is up.\n# TYPE up gauge\nup{job="node",instance="a:9100"} 1\n',
    check: (f) => {
      assert.equal(f.length, 1);
      assert.deepEqual(f[0], {
        name: 'up',
        type: 'gauge',
        help: 'Whether the target is up.',
        samples: [{ name: 'up', labels: { job: 'node', instance: 'a:9100' }, value: 1, line: 3 }],
      });
    },
  },
  {
    name: 'label value escapes for backslash, quote and newline',
    format: 'prometheus',
    text: 'm{path="C:\\\\dir",q="say \\"hi\\"",nl="a\\nb"} 2\n',
    check: (f) => assert.deepEqual(f[0]!.samples[0]!.labels, { path: 'C:\\dir', q: 'say "hi"', nl: 'a\nb' }),
  },
  {
    name: 'HELP escapes in 0.0.4 keep unknown backslashes',
    format: 'prometheus',
    text: '# HELP m line1\\nline2 back\\\\slash \\d\nm 1\n',
    check: (f) => assert.equal(f[0]!.help, 'line1\nline2 back\\slash \\d'),
  },
  {
    name: 'NaN, +Inf, -Inf and exponent values',
    format: 'prometheus',
    text: 'a NaN\nb +Inf\nc -Inf\nd 1.5e3\ne -0.25\nf Inf\n',
    check: (f) => {
      const v = f.map((x) => x.samples[0]!.value);
      assert.ok(Number.isNaN(v[0]));
      assert.deepEqual(v.slice(1), [Infinity, -Infinity, 1500, -0.25, Infinity]);
    },
  },
  {
    name: '0.0.4 timestamps are integer milliseconds',
    format: 'prometheus',
    text: 'm 3 1700000000123\n',
    check: (f) => assert.equal(f[0]!.samples[0]!.timestampMs, 1700000000123),
  },
  {
    name: 'OpenMetrics timestamps are seconds',
    format: 'openmetrics',
    text: '# TYPE m gauge\nm 3 1700000000.5\n# EOF\n',
    check: (f) => assert.equal(f[0]!.samples[0]!.timestampMs, 1700000000500),
  },
  {
    name: 'a 0.0.4 histogram keeps buckets, sum and count in one family',
    format: 'prometheus',
    text: [
      '# TYPE rt histogram',
      'rt_bucket{le="0.1"} 1',
      'rt_bucket{le="1"} 3',
      'rt_bucket{le="+Inf"} 4',
      'rt_sum 2.5',
      'rt_count 4',
      '',
    ].join('\n'),
    check: (f) => {
      assert.equal(f.length, 1);
      assert.equal(f[0]!.type, 'histogram');
      assert.deepEqual(
        f[0]!.samples.map((s) => s.name),
        ['rt_bucket', 'rt_bucket', 'rt_bucket', 'rt_sum', 'rt_count'],
      );
      assert.equal(f[0]!.samples[2]!.labels['le'], '+Inf');
    },
  },
  {
    name: 'a summary with quantiles',
    format: 'prometheus',
    text: '# TYPE gc summary\ngc{quantile="0.5"} 0.1\ngc{quantile="1"} 0.3\ngc_sum 1\ngc_count 7\n',
    check: (f) => {
      assert.equal(f[0]!.type, 'summary');
      assert.equal(f[0]!.samples.length, 4);
    },
  },
  {
    name: 'OpenMetrics counter family without _total, with UNIT, _created and exemplar',
    format: 'openmetrics',
    text: [
      '# TYPE energy_joules counter',
      '# UNIT energy_joules joules',
      '# HELP energy_joules Energy \\"used\\".',
      'energy_joules_total{gpu="0"} 12.5 # {trace_id="abc"} 0.5 1700000000',
      'energy_joules_created{gpu="0"} 1600000000',
      '# EOF',
      '',
    ].join('\n'),
    check: (f) => {
      assert.equal(f.length, 1);
      assert.equal(f[0]!.unit, 'joules');
      assert.equal(f[0]!.help, 'Energy "used".');
      assert.deepEqual(f[0]!.samples[0]!.exemplar, {
        labels: { trace_id: 'abc' },
        value: 0.5,
        timestampMs: 1700000000000,
      });
      assert.equal(f[0]!.samples[1]!.name, 'energy_joules_created');
    },
  },
  {
    name: 'OpenMetrics info and stateset types',
    format: 'openmetrics',
    text: '# TYPE build info\nbuild_info{version="1"} 1\n# TYPE st stateset\nst{st="a"} 1\nst{st="b"} 0\n# EOF\n',
    check: (f) =>
      assert.deepEqual(
        f.map((x) => [x.name, x.type, x.samples.length]),
        [
          ['build', 'info', 1],
          ['st', 'stateset', 2],
        ],
      ),
  },
  {
    name: 'comments, blank lines, CRLF and a trailing comma in 0.0.4',
    format: 'prometheus',
    text: '# a free comment\r\n\r\nm{a="1",} 1\r\n',
    check: (f) => assert.deepEqual(f[0]!.samples[0]!.labels, { a: '1' }),
  },
  {
    name: 'untyped samples without TYPE become their own families',
    format: 'prometheus',
    text: 'x 1\ny{a="b"} 2\n',
    check: (f) =>
      assert.deepEqual(
        f.map((x) => [x.name, x.type]),
        [
          ['x', 'untyped'],
          ['y', 'untyped'],
        ],
      ),
  },
];

for (const c of good) {
  test(`parses ${c.name}`, () => {
    c.check(parseExposition(c.text, c.format).families);
  });
}

interface BadCase {
  name: string;
  format: ExpositionFormat;
  text: string;
  line: number;
  message: RegExp;
}

const bad: BadCase[] = [
  {
    name: 'an unterminated label value',
    format: 'prometheus',
    text: 'ok 1\nm{a="b} 1\n',
    line: 2,
    message: /unterminated value of label "a"/,
  },
  { name: 'an invalid value', format: 'prometheus', text: 'm 12abc\n', line: 1, message: /invalid value "12abc"/ },
  { name: 'a missing value', format: 'prometheus', text: 'm{a="b"}\n', line: 1, message: /expected a space/ },
  {
    name: 'an invalid escape in a label',
    format: 'prometheus',
    text: 'm{a="\\t"} 1\n',
    line: 1,
    message: /invalid escape "\\t"/,
  },
  {
    name: 'a fractional 0.0.4 timestamp',
    format: 'prometheus',
    text: 'm 1 1.5\n',
    line: 1,
    message: /integer milliseconds/,
  },
  {
    name: 'a duplicate TYPE',
    format: 'prometheus',
    text: '# TYPE m gauge\n# TYPE m counter\nm 1\n',
    line: 2,
    message: /second TYPE/,
  },
  {
    name: 'TYPE after samples',
    format: 'prometheus',
    text: 'm 1\n# TYPE m gauge\n',
    line: 2,
    message: /after its samples/,
  },
  {
    name: 'an unknown type',
    format: 'prometheus',
    text: '# TYPE m widget\n',
    line: 1,
    message: /unknown metric type "widget"/,
  },
  {
    name: 'a bucket without le',
    format: 'prometheus',
    text: '# TYPE h histogram\nh_bucket{x="1"} 1\n',
    line: 2,
    message: /no "le" label/,
  },
  {
    name: 'a summary without quantile',
    format: 'prometheus',
    text: '# TYPE s summary\ns 1\n',
    line: 2,
    message: /no "quantile"/,
  },
  {
    name: 'a duplicate label',
    format: 'prometheus',
    text: 'm{a="1",a="2"} 1\n',
    line: 1,
    message: /duplicate label "a"/,
  },
  {
    name: 'an interleaved family',
    format: 'prometheus',
    text: 'a 1\nb 1\na{x="1"} 2\n',
    line: 3,
    message: /appears again/,
  },
  { name: 'trailing garbage', format: 'prometheus', text: 'm 1 2 3\n', line: 1, message: /unexpected text "3"/ },
  {
    name: 'an exemplar in 0.0.4',
    format: 'prometheus',
    text: 'm 1 # {a="b"} 1\n',
    line: 1,
    message: /unexpected text/,
  },
  {
    name: 'a missing # EOF',
    format: 'openmetrics',
    text: '# TYPE m gauge\nm 1\n',
    line: 3,
    message: /missing "# EOF"/,
  },
  { name: 'content after # EOF', format: 'openmetrics', text: 'm 1\n# EOF\nn 2\n', line: 3, message: /after "# EOF"/ },
  {
    name: 'a blank line in OpenMetrics',
    format: 'openmetrics',
    text: 'm 1\n\n# EOF\n',
    line: 2,
    message: /empty line/,
  },
  {
    name: 'a counter sample without _total in OpenMetrics',
    format: 'openmetrics',
    text: '# TYPE c counter\nc 1\n# EOF\n',
    line: 2,
    message: /must end in _total/,
  },
  {
    name: 'a free comment in OpenMetrics',
    format: 'openmetrics',
    text: '# hello\n# EOF\n',
    line: 1,
    message: /unexpected comment/,
  },
  { name: 'an invalid metric name', format: 'prometheus', text: '9m 1\n', line: 1, message: /invalid metric name/ },
];

for (const c of bad) {
  test(`rejects ${c.name}, naming line ${c.line}`, () => {
    assert.throws(
      () => parseExposition(c.text, c.format),
      (err: unknown) => {
        assert.ok(err instanceof ExpositionError, String(err));
        assert.equal(err.line, c.line);
        assert.match(err.message, new RegExp(`^line ${c.line}: `));
        assert.match(err.message, c.message);
        return true;
      },
    );
  });
}

test('formatFromContentType recognises OpenMetrics and defaults to 0.0.4', () => {
  assert.equal(formatFromContentType('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
  assert.equal(formatFromContentType('text/plain; version=0.0.4; charset=utf-8'), 'prometheus');
  assert.equal(formatFromContentType(undefined), 'prometheus');
});

test('with wanted names, other lines are skipped but still checked for shape and family order', () => {
  const body = '# TYPE a gauge\na{x="1"} 1\n# TYPE b gauge\nb{y="2"} 2\n';
  const exp = parseExposition(body, 'prometheus', new Set(['a']));
  assert.deepEqual(
    exp.families.find((f) => f.name === 'a')!.samples.map((s) => s.value),
    [1],
  );
  assert.equal(exp.families.find((f) => f.name === 'b')!.samples.length, 0);
  assert.throws(() => parseExposition('a 1\nb{y="2 2\n', 'prometheus', new Set(['a'])), /line 2/);
  assert.throws(
    () => parseExposition('b 1\na 1\nb 2\n', 'prometheus', new Set(['a'])),
    /line 3: metric family "b" appears again/,
  );
});

// Mostly well-formed sample-line pieces with a few bad ones each, so that many lines take the quick path
// and many differ from the previous line by one character.
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const label = fc
  .tuple(
    pick('a', 'l', 'le', 'model_name', 'l', '1a', ''),
    pick('=', '=', '=', '= ', ''),
    pick('"', '"', '"', ''),
    pick('', 'x', 'a b', '0x48', 'q\\"', '\\\\', '\\n', '\\t', '"', '}', ',', '#'),
    pick('"', '"', '"', ''),
  )
  .map((p) => p.join(''));
const labelSet = fc
  .array(label, { maxLength: 3 })
  .chain((ls) =>
    pick(`{${ls.join(',')}}`, `{${ls.join(',')}}`, `{${ls.join(',')},}`, `{${ls.join(' ,')}}`, `{${ls.join(',')}`),
  );
const randomLine = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        pick('m', 'm_total', 'a:b', 'node_cpu_seconds_total', '9x', '', 'm-x'),
        fc.option(labelSet, { freq: 4 }),
        pick(' ', ' ', ' ', '  ', '\t', ''),
        pick(
          '1',
          '-1.5e3',
          '0',
          '42',
          'NaN',
          'nan',
          '+Inf',
          'Inf',
          '-Inf',
          '1.',
          '.5',
          'x',
          '',
          '0x10',
          '1_0',
          '12abc',
          '-0',
          '+5',
          '-.25',
          '0.1',
          '123456789012345',
          '1234567890123456',
          '9007199254740993',
          '1.2.3',
          '.',
        ),
        pick(
          '',
          '',
          '',
          ' 1700000000',
          ' 1700000000.5',
          ' -3',
          ' 1.5',
          ' #',
          ' # {a="b"} 1',
          ' # {a="b"} 1 1700000000',
          ' 1 2',
          '\t1',
          ' ',
          ' Inf',
        ),
        pick('', '', '', ' ', '\r', '\t'),
      )
      .map(([name, ls, sep, value, ts, end]) => `${name}${ls ?? ''}${sep}${value}${ts}${end}`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

test('the quick path for common sample lines agrees with the full line parser on random lines', () => {
  fc.assert(
    fc.property(fc.array(randomLine, { minLength: 1, maxLength: 8 }), fc.boolean(), (lines, om) => {
      // One label memory across the lines, as within a body.
      const memory = labelMemory();
      for (const l of lines) {
        let full: ParsedSample | undefined;
        try {
          full = parseSampleLine(l, om, 7);
        } catch {
          full = undefined;
        }
        const quick = quickSample(l, /^[a-zA-Z0-9_:]*/.exec(l)![0], memory, om, 7);
        if (quick !== undefined) assert.deepEqual(quick, full, JSON.stringify(l));
      }
    }),
    {
      numRuns: 10_000,
      // A remembered label name that is only a prefix of the next line's, or followed by something else.
      examples: [
        [['m{l="x"} 1', 'm{le"x"} 1'], false],
        [['m{l="x"} 1', 'm{le="x"} 1', 'm{l"x"} 1', 'm{l="x",l="y"} 1'], true],
        // Names remembered after a new one at an earlier position must not let a duplicate through.
        [['m{a="1",l="2",le="3"} 1', 'm{le="1"} 1', 'm{le="1",l="2",le="3"} 1'], false],
        // Names changed on a line refused later: the next line with those names gets their labels.
        [['m{a="1"} 1', 'm{l="1"} x', 'm{l="2"} 1'], false],
        [['m{a="1"} 1', 'm{l="1"} 1 x', 'm{l="2"} 1'], true],
      ],
    },
  );
});

test('label values repeated, cycling and new over many lines each come back as written', () => {
  // Cycles longer and shorter than the values remembered per position, and values that are prefixes of others.
  const lines = Array.from({ length: 60 }, (_, i) => ({
    cpu: String(Math.floor(i / 8)),
    mode: `m${i % 8}`,
    x: 'v'.repeat(1 + (i % 11)),
    y: String(i % 3),
  }));
  const body = lines.map((l, i) => `c{cpu="${l.cpu}",mode="${l.mode}",x="${l.x}",y="${l.y}"} ${i}\n`).join('');
  const samples = parseExposition(body, 'prometheus').families[0]!.samples;
  assert.deepEqual(
    samples.map((s) => s.labels),
    lines,
  );
  assert.deepEqual(
    samples.map((s) => s.value),
    lines.map((_, i) => i),
  );
});

test('sample values read in place are the numbers Number() reads, to the last bit', () => {
  const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 20 });
  const decimal = fc
    .tuple(fc.constantFrom('', '-', '+'), digits, fc.option(digits), fc.constantFrom('', '', 'e5', 'E-3'))
    .map(([sign, int, frac, exp]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp}`);
  fc.assert(
    fc.property(fc.oneof(decimal, fc.double().map(String)), (text) => {
      const quick = quickSample(`m ${text}`, 'm', labelMemory(), false, 1);
      const expected = parseNumber(text);
      if (Number.isNaN(expected)) assert.equal(quick, undefined, text);
      else assert.ok(Object.is(quick?.value, expected), `${text}: ${quick?.value} is not ${expected}`);
    }),
    { numRuns: 20_000, examples: [['0.1'], ['-0'], ['999999999999999.9'], ['0.000000000000000000001'], ['1.']] },
  );
});

test('a body read in place gives every sample line what the line parser gives, with either line end', () => {
  const names = ['m', 'm_total', 'a:b', 'node_cpu_seconds_total'];
  fc.assert(
    fc.property(
      fc.array(randomLine, { minLength: 1, maxLength: 12 }),
      fc.boolean(),
      fc.boolean(),
      fc.subarray(names),
      (lines, crlf, trailing, wantedNames) => {
        // CRLF only in 0.0.4, which strips the \r; a line's own trailing \r would make it ambiguous.
        fc.pre(!lines.some((l) => l.includes('\n') || l.includes('\r') || l.includes('#')));
        const nl = crlf ? '\r\n' : '\n';
        const body = lines.join(nl) + (trailing ? nl : '');
        let expected: ParsedSample[] | undefined;
        try {
          expected = lines.flatMap((l, i) => (l.trim() === '' ? [] : [parseSampleLine(l, false, i + 1)]));
        } catch {
          expected = undefined;
        }
        let got: ParsedSample[] | undefined;
        try {
          got = parseExposition(body, 'prometheus').families.flatMap((f) => f.samples);
        } catch (err) {
          assert.ok(err instanceof ExpositionError, String(err));
          got = undefined;
        }
        // The body parser also refuses a family whose lines are not contiguous; nothing else the line parser takes.
        const order = (expected ?? []).map((s) => s.name).filter((n, i, all) => i === 0 || all[i - 1] !== n);
        if (expected !== undefined && new Set(order).size === order.length)
          assert.ok(got !== undefined, `refused ${JSON.stringify(body)}`);
        if (got !== undefined) {
          assert.ok(expected !== undefined, JSON.stringify(body));
          assert.deepEqual(
            [...got].sort((a, b) => a.line - b.line),
            expected,
            JSON.stringify(body),
          );
          // Only wanted metrics are parsed into objects; what is kept is what the whole parse has.
          const wanted = new Set(wantedNames);
          const some = parseExposition(body, 'prometheus', wanted).families.flatMap((f) => f.samples);
          assert.deepEqual(
            some,
            got.filter((s) => wanted.has(s.name)),
            JSON.stringify(body),
          );
        }
      },
    ),
    { numRuns: 5_000 },
  );
});

test('sample values are read as Go reads decimals, whatever the characters', () => {
  const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789+-.eE x'), maxLength: 10 }), (text) => {
      const want = decimal.test(text) ? Number(text) : NaN;
      assert.ok(Object.is(parseNumber(text), want), JSON.stringify(text));
    }),
    { numRuns: 20_000 },
  );
});
