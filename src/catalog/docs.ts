/**
 * @module The indicator reference (zh and en) generated from the catalog, and a drift check for the committed copy.
 *
 * One Markdown page per language: per dimension a table of the fifteen indicators (how each is
 * computed, in words), then a section per indicator with its description, targets and decision.
 * `describeComputation` renders a computation tree as readable text; reports and runbooks reuse it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOG_DIR } from './paths.ts';
import { nameOf } from './names.ts';
import type {
  Catalog,
  Comparison,
  Condition,
  Filter,
  Indicator,
  Operand,
  Predicate,
  Quantity,
  Target,
  Thresholds,
} from './types.ts';
import type { Level } from '../model/values.ts';

export type Lang = 'zh' | 'en';

const LANGS: Lang[] = ['zh', 'en'];

const SHIFT_NAMES = {
  P1Y: { zh: '上年同期', en: 'a year earlier' },
  P1M: { zh: '上月', en: 'a month earlier' },
  P3M: { zh: '上季度', en: 'three months earlier' },
} as const;

const WORDS = {
  and: { zh: ' 且 ', en: ' and ' },
  or: { zh: ' 或 ', en: ' or ' },
  default: { zh: '(缺省 {v})', en: ' (default {v})' },
} as const;

/** Rendered files, relative to the catalog folder. */
const DOC_FILES: Record<Lang, string> = { zh: 'docs/indicators.zh.md', en: 'docs/indicators.en.md' };

const OP_SIGNS: Record<string, string> = { '>=': '≥', '<=': '≤', '==': '=', '!=': '≠' };

/** A comparison operator as printed: ≥ ≤ = ≠ > <. */
function sign(op: string): string {
  return OP_SIGNS[op] ?? op;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

// --- computation trees as text ------------------------------------------------------------------

/** Precedence of a rendered expression: 3 atom, 2 product/quotient, 1 sum/difference. */
interface Expr {
  text: string;
  prec: number;
}

function wrap(e: Expr, min: number): string {
  return e.prec >= min ? e.text : `(${e.text})`;
}

function quantityExpr(q: Quantity, lang: Lang): Expr {
  if ('metric' in q) {
    const d = q.default === undefined ? '' : WORDS.default[lang].replace('{v}', num(q.default));
    return { text: `${q.metric}${d}`, prec: 3 };
  }
  if ('param' in q) return { text: q.param, prec: 3 };
  if ('const' in q) return { text: num(q.const), prec: 3 };
  if ('sum' in q)
    return { text: q.sum.map((x) => wrap(quantityExpr(x, lang), 1)).join(' + '), prec: q.sum.length > 1 ? 1 : 3 };
  if ('difference' in q) {
    const [a, b] = q.difference.map((x) => quantityExpr(x, lang)) as [Expr, Expr];
    return { text: `${wrap(a, 1)} − ${wrap(b, 2)}`, prec: 1 };
  }
  if ('product' in q) return { text: q.product.map((x) => wrap(quantityExpr(x, lang), 2)).join(' × '), prec: 2 };
  if ('quotient' in q) {
    const [a, b] = q.quotient.map((x) => quantityExpr(x, lang)) as [Expr, Expr];
    return { text: `${wrap(a, 2)} ÷ ${wrap(b, 3)}`, prec: 2 };
  }
  return { text: `max(${q.max.map((x) => quantityExpr(x, lang).text).join(', ')})`, prec: 3 };
}

/** A quantity tree as readable text, e.g. `e_total_kwh − e_green_direct_kwh`. */
export function describeQuantity(q: Quantity, lang: Lang = 'en'): string {
  return quantityExpr(q, lang).text;
}

function sigma(q: Quantity, lang: Lang): string {
  const e = quantityExpr(q, lang);
  return e.prec >= 3 ? `Σ ${e.text}` : `Σ(${e.text})`;
}

function value(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function predicateText(p: Predicate): string {
  if (p.eq !== undefined) return `${p.attr} = ${value(p.eq)}`;
  if (p.ne !== undefined) return `${p.attr} ≠ ${value(p.ne)}`;
  if (p.in !== undefined) return `${p.attr} ∈ {${p.in.map(value).join(', ')}}`;
  if (p.gte !== undefined) return `${p.attr} ≥ ${num(p.gte)}`;
  if (p.lt !== undefined) return `${p.attr} < ${num(p.lt)}`;
  return p.attr;
}

/** A registry filter as text, e.g. `is_hub = true and is_new = true`. */
export function describeFilter(f: Filter, lang: Lang = 'en'): string {
  if ('all' in f)
    return f.all
      .map((x) => ('any' in x ? `(${describeFilter(x, lang)})` : describeFilter(x, lang)))
      .join(WORDS.and[lang]);
  if ('any' in f)
    return f.any
      .map((x) => ('all' in x ? `(${describeFilter(x, lang)})` : describeFilter(x, lang)))
      .join(WORDS.or[lang]);
  return predicateText(f);
}

function comparisonText(c: Comparison): string {
  return `${c.indicator ?? c.metric} ${sign(c.op)} ${num(c.value)}`;
}

/** A condition as text; compound conditions are parenthesised so they read unambiguously after a filter. */
function conditionClause(c: Condition, lang: Lang): string {
  return 'all' in c || 'any' in c ? `(${conditionText(c, lang)})` : conditionText(c, lang);
}

function conditionText(c: Condition, lang: Lang): string {
  if ('all' in c)
    return c.all
      .map((x) => ('any' in x ? `(${conditionText(x, lang)})` : conditionText(x, lang)))
      .join(WORDS.and[lang]);
  if ('any' in c)
    return c.any.map((x) => ('all' in x ? `(${conditionText(x, lang)})` : conditionText(x, lang))).join(WORDS.or[lang]);
  return comparisonText(c);
}

function operandText(o: Operand, lang: Lang): string {
  const parts: string[] = [];
  if (o.filter) parts.push(describeFilter(o.filter, lang));
  if (o.shift) parts.push(SHIFT_NAMES[o.shift][lang]);
  return parts.length ? `${o.indicator}[${parts.join(', ')}]` : o.indicator;
}

/** `100 × x`, `x ÷ 1000` or `x`; `x` is wrapped when it is a compound expression. */
function scaled(text: string, scale: number, compound: boolean): string {
  if (scale === 1) return text;
  const body = compound ? `(${text})` : text;
  if (scale > 1) return `${num(scale)} × ${body}`;
  return `${body} ÷ ${num(Math.round(1 / scale))}`;
}

/**
 * The indicator's computation in words, e.g. `Σ e_total_kwh ÷ Σ e_it_kwh` for PUE or
 * `100 × Σ racks_in_use ÷ Σ racks_installed` for rack occupancy.
 */
export function describeComputation(ind: Pick<Indicator, 'computation'>, lang: Lang = 'en'): string {
  const c = ind.computation;
  const zh = lang === 'zh';
  switch (c.method) {
    case 'sum': {
      const body = sigma(c.quantity, lang);
      const where = c.filter
        ? zh
          ? `(仅 ${describeFilter(c.filter, lang)} 的中心)`
          : ` over centers where ${describeFilter(c.filter, lang)}`
        : '';
      return `${scaled(body, c.scale, false)}${where}`;
    }
    case 'ratio_of_sums': {
      const numText = sigma(c.numerator, lang);
      const filtered = c.numerator_filter
        ? `${numText} [${zh ? '仅 ' : 'only '}${describeFilter(c.numerator_filter, lang)}]`
        : numText;
      let ratio = `${filtered} ÷ ${sigma(c.denominator, lang)}`;
      if (c.complement) ratio = `1 − ${ratio}`;
      return scaled(ratio, c.scale, c.scale > 1 && c.complement === true);
    }
    case 'filtered_ratio_of_sums': {
      const ratio = scaled(`${sigma(c.numerator, lang)} ÷ ${sigma(c.denominator, lang)}`, c.scale, false);
      return zh
        ? `${ratio},仅计 ${describeFilter(c.filter, lang)} 的中心`
        : `${ratio} over centers where ${describeFilter(c.filter, lang)}`;
    }
    case 'count': {
      if (!c.filter) return zh ? '中心数' : 'number of centers';
      return zh
        ? `${describeFilter(c.filter, lang)} 的中心数`
        : `number of centers where ${describeFilter(c.filter, lang)}`;
    }
    case 'count_if': {
      const cond = conditionClause(c.condition, lang);
      if (zh) return `${c.filter ? `${describeFilter(c.filter, lang)} 且` : ''}自身 ${cond} 的中心数`;
      return `number of centers${c.filter ? ` where ${describeFilter(c.filter, lang)}` : ''} whose own ${cond}`;
    }
    case 'share_if': {
      const cond = conditionClause(c.condition, lang);
      const where = c.filter ? describeFilter(c.filter, lang) : '';
      const text = zh
        ? `(${where ? `${where} 且` : ''}${cond} 的中心数) ÷ (参与判断的中心数)`
        : `(centers${where ? ` where ${where}` : ''} with ${cond}) ÷ (centers evaluated)`;
      return scaled(text, c.scale, false);
    }
    case 'percentile': {
      const p = num(c.quantile * 100);
      return zh ? `合并各中心 ${c.histogram} 直方图后的第${p}百分位` : `p${p} of the merged ${c.histogram} histograms`;
    }
    case 'derived': {
      const o = c.operands.map((x) => operandText(x, lang));
      switch (c.op) {
        case 'growth':
          return scaled(`${o[0]} ÷ ${o[1]} − 1`, c.scale, true);
        case 'difference':
          return scaled(`${o[0]} − ${o[1]}`, c.scale, true);
        case 'ratio_of_changes':
          return scaled(`(${o[0]} − ${o[1]}) ÷ (${o[2]} − ${o[3]})`, c.scale, false);
      }
    }
  }
}

// --- targets and thresholds -------------------------------------------------------------------------

function targetShort(t: Target, catalog: Catalog, lang: Lang): string {
  const head = t.op !== undefined && t.value !== undefined ? `${sign(t.op)} ${num(t.value)}` : t.text[lang];
  const when = [t.by, t.scope ? nameOf(catalog.targetScopes, t.scope, lang) : undefined].filter(Boolean).join(', ');
  return `${head}${when ? ` (${when})` : ''} [${t.source}]`;
}

/** The target a table cell shows: the official one, else the first numeric one, else the first. */
function headlineTarget(ind: Indicator): Target | undefined {
  return ind.targets.find((t) => t.official) ?? ind.targets.find((t) => t.op !== undefined) ?? ind.targets[0];
}

type LevelNames = Catalog['levelById'];

function thresholdsText(th: Thresholds | undefined, names: LevelNames, lang: Lang): string {
  if (!th) return '—';
  const parts: string[] = [];
  if (th.warning !== undefined) parts.push(`${lang === 'zh' ? '警告' : 'warning'} ${th.op} ${num(th.warning)}`);
  if (th.critical !== undefined) parts.push(`${lang === 'zh' ? '严重' : 'critical'} ${th.op} ${num(th.critical)}`);
  const where = levelsText(th.levels, names, lang);
  const dur = th.for ? `${lang === 'zh' ? ',持续' : '; for '}${th.for}` : '';
  return `${parts.join(', ')} (${where}${dur})`;
}

function levelsText(levels: Level[], names: LevelNames, lang: Lang): string {
  return levels.map((l) => names.get(l)![lang]).join(lang === 'zh' ? '、' : ', ');
}

/** Escapes a table cell: pipes and line breaks would break the row. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

// --- pages ---------------------------------------------------------------------------------------------

const HEADINGS = {
  zh: {
    title: '指标参考:四个维度、三个层级、60项指标',
    banner: '<!-- 由 `dims catalog docs --write` 根据 indicators/ 下的目录文件生成,请勿手工编辑。 -->',
    intro:
      '本页由指标目录(`indicators/`)生成,是60项指标的参考。比值类指标在省级和全国层级按分子之和除以分母之和计算,从不平均各中心的比值;派生指标在各层级汇总后计算。',
    columns: ['编号', 'id', '名称', '单位', '方向', '计算方法', '层级', '目标(来源)', '告警阈值'],
    dimension: '维度',
    details: '指标详情',
    computation: '计算',
    rawMetrics: '原始指标',
    levels: '层级',
    targets: '目标',
    thresholds: '告警阈值',
    decision: '口径决定',
    variants: '同时报送',
    stability: '稳定性',
    none: '无',
    official: '官方目标',
    sources: '来源',
  },
  en: {
    title: 'Indicator reference: four dimensions, three levels, 60 indicators',
    banner: '<!-- Generated by `dims catalog docs --write` from the catalog files under indicators/. Do not edit. -->',
    intro:
      'This page is generated from the indicator catalog (`indicators/`) and is the reference for the 60 indicators. ' +
      'Ratios roll up to province and nation as the sum of numerators over the sum of denominators, never as ' +
      "a mean of the centers' ratios; derived indicators are computed at each level after roll-up.",
    columns: [
      'Code',
      'id',
      'Name',
      'Unit',
      'Direction',
      'How it is computed',
      'Levels',
      'Target (source)',
      'Alert thresholds',
    ],
    dimension: 'Dimension',
    details: 'Indicator details',
    computation: 'Computation',
    rawMetrics: 'Raw metrics',
    levels: 'Levels',
    targets: 'Targets',
    thresholds: 'Alert thresholds',
    decision: 'Decision',
    variants: 'Reported beside it',
    stability: 'Stability',
    none: 'none',
    official: 'official target',
    sources: 'Sources',
  },
} as const;

function renderPage(catalog: Catalog, lang: Lang): string {
  const h = HEADINGS[lang];
  const out: string[] = [h.banner, '', `# ${h.title}`, '', h.intro, ''];
  for (const dim of catalog.dimensions) {
    const d = dim.id;
    const inds = catalog.indicators.filter((i) => i.dimension === d);
    out.push(`## ${h.dimension} ${d} ${dim[lang]}`, '');
    out.push(`| ${h.columns.join(' | ')} |`, `|${h.columns.map(() => '---').join('|')}|`);
    for (const i of inds) {
      const t = headlineTarget(i);
      const row = [
        `[${i.code}](#${i.code.toLowerCase()})`,
        `\`${i.id}\``,
        i.name[lang],
        i.unit,
        nameOf(catalog.directions, i.direction, lang),
        `\`${describeComputation(i, lang)}\``,
        levelsText(i.levels, catalog.levelById, lang),
        t ? targetShort(t, catalog, lang) : '—',
        thresholdsText(i.thresholds, catalog.levelById, lang),
      ];
      out.push(`| ${row.map(cell).join(' | ')} |`);
    }
    out.push('');
  }
  out.push(`## ${h.details}`, '');
  for (const i of catalog.indicators) {
    out.push(`<a id="${i.code.toLowerCase()}"></a>`, '', `### ${i.code} ${i.id} · ${i.name[lang]}`, '');
    out.push(i.description[lang], '');
    out.push(`- **${h.computation}**: \`${describeComputation(i, lang)}\` (${i.computation.method})`);
    out.push(
      `- **${h.rawMetrics}**: ${i.raw_metrics.length ? i.raw_metrics.map((m) => `\`${m}\``).join(', ') : h.none}`,
    );
    out.push(
      `- **${h.levels}**: ${levelsText(i.levels, catalog.levelById, lang)} · ${i.unit} · ${nameOf(catalog.directions, i.direction, lang)} ` +
        `· ${h.stability}: ${i.stability}`,
    );
    out.push(`- **${h.thresholds}**: ${i.thresholds ? thresholdsText(i.thresholds, catalog.levelById, lang) : h.none}`);
    if (i.variants?.length) out.push(`- **${h.variants}**: ${i.variants.map((v) => `\`${v}\``).join(', ')}`);
    if (i.targets.length === 0) out.push(`- **${h.targets}**: ${h.none}`);
    else {
      out.push(`- **${h.targets}**:`);
      for (const t of i.targets) {
        const tags = [t.source, t.status, t.official ? h.official : undefined].filter(Boolean).join(', ');
        const head =
          t.op !== undefined && t.value !== undefined
            ? `${sign(t.op)} ${num(t.value)}${t.by ? ` (${t.by})` : ''}: `
            : t.by
              ? `(${t.by}) `
              : '';
        const scope = t.scope ? `${nameOf(catalog.targetScopes, t.scope, lang)} · ` : '';
        out.push(`  - ${scope}${head}${t.text[lang]} [${tags}]`);
      }
    }
    if (i.decision) out.push(`- **${h.decision}**: ${i.decision[lang]}`);
    out.push('');
  }
  const cited = new Set(catalog.indicators.flatMap((i) => i.targets.map((t) => t.source)));
  const sources = catalog.sources.filter((s) => cited.has(s.id));
  if (sources.length) {
    out.push(`## ${h.sources}`, '');
    for (const s of sources) out.push(`- **${s.id}** ${s.title} <${s.url}>`);
    out.push('');
  }
  return out.join('\n');
}

/** The reference page per language. */
export function renderDocs(catalog: Catalog): Map<Lang, string> {
  return new Map(LANGS.map((l) => [l, renderPage(catalog, l)]));
}

/** The catalog folder the indicators were loaded from (the docs live beside them). */
function catalogDir(catalog: Catalog): string {
  const first = catalog.indicators[0];
  return first ? path.resolve(path.dirname(path.dirname(first.file))) : CATALOG_DIR;
}

function docPaths(catalog: Catalog): Array<{ lang: Lang; file: string }> {
  const dir = catalogDir(catalog);
  return LANGS.map((lang) => ({ lang, file: path.join(dir, DOC_FILES[lang]) }));
}

function shown(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** Writes `docs/indicators.zh.md` and `docs/indicators.en.md` beside the catalog; returns the paths written. */
export function writeDocs(catalog: Catalog): string[] {
  const pages = renderDocs(catalog);
  const written: string[] = [];
  for (const { lang, file } of docPaths(catalog)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, pages.get(lang)!);
    written.push(shown(file));
  }
  return written;
}

/** Paths of the docs whose committed content differs from a fresh rendering (missing files included). */
export function docsDrift(catalog: Catalog): string[] {
  const pages = renderDocs(catalog);
  return docPaths(catalog)
    .filter(({ lang, file }) => !existsSync(file) || readFileSync(file, 'utf8') !== pages.get(lang))
    .map(({ file }) => shown(file));
}
