/**
 * @module Structural checks of generated dashboards, the things Grafana would only show as broken panels:
 * unique uids, provisioned datasources, declared template variables, refIds, and a 24-column grid without
 * overlaps. `collectQueries` lists every panel and variable query so tests can execute them.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { MIXED, PROVISIONED_UIDS } from './lib/datasources.ts';
import { GRID_COLUMNS } from './lib/layout.ts';

export type QueryLanguage = 'influxql' | 'promql' | 'static';

/** One query a dashboard will send. */
export interface DashboardQuery {
  dashboard: string;
  /** Panel title, or `$name` for a template variable. */
  where: string;
  refId: string;
  language: QueryLanguage;
  datasourceUid: string;
  text: string;
  /** Variables the query depends on, in the dashboard's declaration order. */
  variables: string[];
}

interface AnyTarget {
  refId?: string;
  datasource?: { uid?: string; type?: string };
  query?: string;
  expr?: string;
  scenarioId?: string;
}

interface AnyPanel {
  type?: string;
  title?: string;
  datasource?: { uid?: string; type?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: AnyTarget[];
  panels?: AnyPanel[];
}

/** Template variables referenced as $name, ${name}, ${name:fmt} or [[name]]; Grafana's own $__* and $timeFilter excluded. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(
    /\$\{([A-Za-z_]\w*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::[^\]]*)?\]\]/g,
  )) {
    const name = m[1] ?? m[2] ?? m[3] ?? '';
    if (name.startsWith('__') || name === 'timeFilter' || name === 'interval' || name === 'interval_ms') continue;
    names.add(name);
  }
  return [...names];
}

function languageOf(uidType: string | undefined, t: AnyTarget): QueryLanguage {
  if (t.expr !== undefined) return 'promql';
  if (t.query !== undefined && uidType === 'influxdb') return 'influxql';
  return 'static';
}

function flatPanels(d: Dashboard): AnyPanel[] {
  const out: AnyPanel[] = [];
  for (const p of (d.panels ?? []) as AnyPanel[]) {
    out.push(p);
    for (const inner of p.panels ?? []) out.push(inner);
  }
  return out;
}

/** Every panel target and query variable of a dashboard. */
export function collectQueries(d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const dash = d.uid ?? d.title ?? '';
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query' || typeof v.query !== 'string') continue;
    const language: QueryLanguage = v.datasource?.type === 'prometheus' ? 'promql' : 'influxql';
    out.push({
      dashboard: dash,
      where: `$${v.name}`,
      refId: v.name,
      language,
      datasourceUid: v.datasource?.uid ?? '',
      text: v.query,
      variables: referencedVariables(v.query),
    });
  }
  for (const p of flatPanels(d)) {
    for (const t of p.targets ?? []) {
      const ds = t.datasource ?? p.datasource;
      const text = t.expr ?? t.query ?? '';
      out.push({
        dashboard: dash,
        where: p.title ?? '(untitled)',
        refId: t.refId ?? '',
        language: languageOf(ds?.type, t),
        datasourceUid: ds?.uid ?? '',
        text,
        variables: referencedVariables(text),
      });
    }
  }
  return out;
}

function overlaps(
  a: { x: number; y: number; w: number; h: number },
  b: { x: number; y: number; w: number; h: number },
): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Problems of one dashboard, as sentences naming the dashboard and panel. */
export function checkDashboard(d: Dashboard): string[] {
  const problems: string[] = [];
  const name = d.uid ?? d.title;
  const where = (p: AnyPanel) => `${name}: panel "${p.title ?? '(untitled)'}"`;
  if (!d.uid || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(d.uid))
    problems.push(`${name}: uid ${JSON.stringify(d.uid)} is missing or not [a-z0-9-]{1,40}`);
  if (!d.title) problems.push(`${name}: no title`);
  const provisioned = new Set(PROVISIONED_UIDS);

  // Variables: each may use only variables declared before it; panels may use any declared one.
  const declared: string[] = [];
  for (const v of d.templating?.list ?? []) {
    if (v.datasource?.uid !== undefined && !provisioned.has(v.datasource.uid))
      problems.push(`${name}: variable $${v.name} uses datasource uid "${v.datasource.uid}", which is not provisioned`);
    if (typeof v.query === 'string' && v.type === 'query') {
      for (const ref of referencedVariables(v.query))
        if (!declared.includes(ref)) problems.push(`${name}: variable $${v.name} uses $${ref}, not declared before it`);
    }
    declared.push(v.name);
  }

  const panels = flatPanels(d);
  const placed: Array<{ p: AnyPanel; pos: { x: number; y: number; w: number; h: number } }> = [];
  for (const p of panels) {
    const pos = p.gridPos;
    if (!pos) problems.push(`${where(p)} has no gridPos`);
    else if (
      pos.x < 0 ||
      pos.y < 0 ||
      pos.w < 1 ||
      pos.h < 1 ||
      pos.x + pos.w > GRID_COLUMNS ||
      !Number.isInteger(pos.x + pos.y + pos.w + pos.h)
    ) {
      problems.push(`${where(p)} does not fit the ${GRID_COLUMNS}-column grid: ${JSON.stringify(pos)}`);
    } else {
      for (const q of placed)
        if (overlaps(q.pos, pos))
          problems.push(
            `${where(p)} overlaps panel "${q.p.title}" (${JSON.stringify(pos)} vs ${JSON.stringify(q.pos)})`,
          );
      placed.push({ p, pos });
    }
    if (p.type === 'row') continue;
    if (!p.title) problems.push(`${name}: a ${p.type} panel has no title`);
    const panelUid = p.datasource?.uid;
    if (panelUid === undefined) {
      if ((p.targets ?? []).length > 0) problems.push(`${where(p)} has targets but no datasource`);
    } else if (panelUid !== MIXED.uid && !provisioned.has(panelUid)) {
      problems.push(`${where(p)} uses datasource uid "${panelUid}", which is not provisioned`);
    }
    const refIds = new Set<string>();
    for (const t of p.targets ?? []) {
      if (!t.refId) problems.push(`${where(p)} has a target without refId`);
      else if (refIds.has(t.refId)) problems.push(`${where(p)} repeats refId ${t.refId}`);
      else refIds.add(t.refId);
      const uid = t.datasource?.uid ?? panelUid;
      if (uid === undefined || uid === MIXED.uid || !provisioned.has(uid))
        problems.push(`${where(p)} target ${t.refId}: datasource uid "${uid}" is not provisioned`);
      const text = t.expr ?? t.query;
      if (text === undefined && t.scenarioId === undefined) problems.push(`${where(p)} target ${t.refId} has no query`);
      for (const ref of referencedVariables(text ?? ''))
        if (!declared.includes(ref))
          problems.push(`${where(p)} target ${t.refId} uses $${ref}, which is not a declared variable`);
    }
  }
  return problems;
}

/** Problems across dashboards: each dashboard's own plus duplicate uids. */
export function checkDashboards(dashboards: Dashboard[]): string[] {
  const problems = dashboards.flatMap(checkDashboard);
  const seen = new Set<string>();
  for (const d of dashboards) {
    if (d.uid && seen.has(d.uid)) problems.push(`dashboard uid ${d.uid} is used twice`);
    if (d.uid) seen.add(d.uid);
  }
  return problems;
}
