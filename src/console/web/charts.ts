/// <reference lib="dom" />
/** @module Hand-written SVG charts: a line chart of one indicator over time and the province tile map coloured by an indicator. */
import { s } from './dom.ts';
import { formatNumber, formatTick, formatValue, lang, reasonText, t, unitText } from './i18n.ts';
import { colorFor, niceTicks, readableUnit, tickDecimals, type Tile } from './scale.ts';

export interface ChartPoint {
  /** Short x label (e.g. 10-05). */
  label: string;
  /** Full label for the hover text (e.g. 2026-10-05). */
  full: string;
  value: number | null;
  reason?: string | null;
}

export interface LineChartOptions {
  title: string;
  unit: string;
  points: ChartPoint[];
  /** The official target drawn as a dashed line. */
  target?: { op: string; value: number } | undefined;
  width?: number;
  height?: number;
}

/** A line chart; gaps where values are missing (a missing day is not a zero). */
export function lineChart(o: LineChartOptions): SVGElement {
  const W = o.width ?? 520;
  const H = o.height ?? 220;
  const m = { l: 58, r: 14, t: 30, b: 30 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': o.title });
  // Small magnitudes read in a smaller unit (GWh → MWh → kWh), so the axis is not 0.0001 on every tick.
  const raw = o.points.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const shown = readableUnit(
    o.unit,
    Math.max(0, ...raw.map(Math.abs), ...(o.target ? [Math.abs(o.target.value)] : [])),
  );
  const k = shown.factor;
  const target = o.target ? { op: o.target.op, value: o.target.value * k } : undefined;
  const unit = unitText(shown.unit);
  svg.append(
    s(
      'text',
      { x: 4, y: 16, class: 'chart-title' },
      unit ? (lang() === 'zh' ? `${o.title}（${unit}）` : `${o.title} (${unit})`) : o.title,
    ),
  );
  const vals = raw.map((v) => v * k);
  if (vals.length === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-empty' }, t('noPoints')));
    return svg;
  }
  const lo = Math.min(...vals, ...(target ? [target.value] : []));
  const hi = Math.max(...vals, ...(target ? [target.value] : []));
  const ticks = niceTicks(lo, hi, 4);
  const decimals = tickDecimals(ticks.length > 1 ? ticks[1]! - ticks[0]! : 1);
  const y0 = ticks[0]!;
  const y1 = ticks[ticks.length - 1]!;
  const n = o.points.length;
  const x = (i: number) => m.l + (n === 1 ? pw / 2 : (i / (n - 1)) * pw);
  const y = (v: number) => m.t + ph - ((v - y0) / (y1 - y0 || 1)) * ph;

  for (const tv of ticks) {
    svg.append(s('line', { x1: m.l, x2: m.l + pw, y1: y(tv), y2: y(tv), class: 'grid' }));
    svg.append(s('text', { x: m.l - 6, y: y(tv) + 4, 'text-anchor': 'end', class: 'tick' }, formatTick(tv, decimals)));
  }
  const every = Math.max(1, Math.ceil(n / 8));
  o.points.forEach((p, i) => {
    // The last label is drawn too unless it would collide with the previous regular one.
    if (i % every === 0 || (i === n - 1 && (n - 1) % every >= every / 2))
      svg.append(s('text', { x: x(i), y: H - 10, 'text-anchor': 'middle', class: 'tick' }, p.label));
  });
  if (target) {
    const ty = y(target.value);
    svg.append(s('line', { x1: m.l, x2: m.l + pw, y1: ty, y2: ty, class: 'target-line' }));
    svg.append(
      s(
        'text',
        { x: m.l + pw, y: ty - 4, 'text-anchor': 'end', class: 'target-label' },
        `${t('target')} ${opText(target.op)} ${formatNumber(target.value)}`,
      ),
    );
  }
  // One path with a move at every gap.
  let d = '';
  let pen = false;
  o.points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value * k).toFixed(1)}`;
    pen = true;
  });
  svg.append(s('path', { d, class: 'line' }));
  o.points.forEach((p, i) => {
    const hover =
      p.value === null ? `${p.full}: — (${reasonText(p.reason)})` : `${p.full}: ${formatValue(p.value, o.unit)}`;
    if (p.value === null)
      svg.append(s('circle', { cx: x(i), cy: m.t + ph, r: 2.5, class: 'point null' }, s('title', {}, hover)));
    else svg.append(s('circle', { cx: x(i), cy: y(p.value * k), r: 3, class: 'point' }, s('title', {}, hover)));
  });
  return svg;
}

export function opText(op: string): string {
  return ({ '>': '>', '>=': '≥', '<': '<', '<=': '≤', '==': '≈' } as Record<string, string>)[op] ?? op;
}

export interface TileMapOptions {
  tiles: Tile[];
  names: Map<string, string>;
  values: Map<string, { value: number | null; reason?: string | null }>;
  direction: string;
  unit: string;
  href: (code: string) => string | undefined;
  /** Highlighted province (e.g. the caller's own). */
  selected?: string;
}

/** Short province names for tiles: 内蒙古自治区 → 内蒙古, 北京市 → 北京. */
export function shortName(zh: string): string {
  return zh.replace(/(壮族|回族|维吾尔)?自治区$|特别行政区$|省$|市$/, '');
}

/** The province tile map: one square per province, coloured by value on a ramp that respects the direction. */
export function tileMap(o: TileMapOptions): SVGElement {
  const size = 74;
  const gap = 4;
  const cols = Math.max(...o.tiles.map((x) => x.col)) + 1;
  const rows = Math.max(...o.tiles.map((x) => x.row)) + 1;
  const legendH = 40;
  const W = cols * (size + gap);
  const H = rows * (size + gap) + legendH;
  const svg = s('svg', { class: 'tilemap', viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const nums = [...o.values.values()].map((v) => v.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const min = nums.length ? Math.min(...nums) : 0;
  const max = nums.length ? Math.max(...nums) : 1;
  const color = colorFor(o.direction, min, max);
  for (const tile of o.tiles) {
    const v = o.values.get(tile.code);
    const value = v?.value ?? null;
    const x = tile.col * (size + gap);
    const y = tile.row * (size + gap);
    const name = o.names.get(tile.code) ?? tile.code;
    const shown = value === null ? '—' : formatValue(value, o.unit);
    const fill = value === null ? '#d9dde3' : color(value);
    const hover = `${name}: ${value === null ? `— (${reasonText(v?.reason ?? 'no_data')})` : shown}`;
    const dark = value !== null && isDark(fill);
    const g = s(
      'g',
      { class: `tile${o.selected === tile.code ? ' selected' : ''}`, 'data-code': tile.code },
      s('title', {}, hover),
      s('rect', { x, y, width: size, height: size, rx: 6, fill }),
      // Long English names (Heilongjiang, Inner Mongolia) get a smaller font to stay inside the tile.
      s(
        'text',
        {
          x: x + size / 2,
          y: y + 30,
          'text-anchor': 'middle',
          class: `tile-name${dark ? ' on-dark' : ''}`,
          'font-size': Math.min(13, Math.floor(125 / Math.max(1, name.length))),
        },
        name,
      ),
      s(
        'text',
        { x: x + size / 2, y: y + 52, 'text-anchor': 'middle', class: `tile-value${dark ? ' on-dark' : ''}` },
        shown,
      ),
    );
    const href = o.href(tile.code);
    svg.append(href ? s('a', { href, 'aria-label': hover }, g) : g);
  }
  // Legend: worst → best (or low → high for monitored indicators), and the colour of "no data".
  const ly = rows * (size + gap) + 8;
  const steps = 24;
  const lw = Math.min(260, W - 120);
  for (let i = 0; i < steps; i++) {
    const v = min + ((max - min) * i) / (steps - 1);
    svg.append(s('rect', { x: 40 + (i * lw) / steps, y: ly, width: lw / steps + 0.5, height: 10, fill: color(v) }));
  }
  svg.append(
    s('text', { x: 36, y: ly + 9, 'text-anchor': 'end', class: 'tick' }, nums.length ? formatNumber(min) : ''),
  );
  svg.append(s('text', { x: 44 + lw, y: ly + 9, class: 'tick' }, nums.length ? formatNumber(max) : ''));
  svg.append(s('rect', { x: W - 70, y: ly, width: 12, height: 10, fill: '#d9dde3' }));
  svg.append(s('text', { x: W - 54, y: ly + 9, class: 'tick' }, t('legendNull')));
  const dir = o.direction === 'lower' ? t('dirLower') : o.direction === 'higher' ? t('dirHigher') : t('dirMonitor');
  svg.append(
    s(
      'text',
      { x: 40, y: ly + 26, class: 'tick' },
      dir + (lang() === 'zh' ? '（绿色为优）' : ' (green is better)').repeat(o.direction === 'monitor' ? 0 : 1),
    ),
  );
  return svg;
}

function isDark(rgb: string): boolean {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(rgb);
  if (!m) return false;
  const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return 0.299 * r + 0.587 * g + 0.114 * b < 140;
}
