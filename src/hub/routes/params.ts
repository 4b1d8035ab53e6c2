/** @module Query-parameter parsing shared by the reading routes; every error names the parameter and the value. */
import type { Request } from 'express';
import type { Level } from '../../model/values.ts';
import type { PeriodKind } from '../../storage/types.ts';
import {
  periodExample,
  periodKindOf,
  periodName,
  periodWindow,
  previousPeriod,
  type PeriodKindName,
} from '../../model/periods.ts';
import { rfc3339Ms } from '../../shared/strict.ts';
import { HubError } from '../errors.ts';
import { echoText, echoValue } from '../../shared/echo.ts';
import type { HubContext } from '../context.ts';

const KINDS: readonly PeriodKind[] = ['realtime', 'hour', 'day', 'month', 'quarter', 'year'];
const LEVELS: readonly Level[] = ['nation', 'province', 'center'];

export function bad(name: string, value: unknown, expected: string): HubError {
  return new HubError('DIMS_ERR_BAD_PARAMETER', `query parameter ${name} ${expected} (got ${echoText(value)})`, {
    parameter: name,
    value: echoValue(value),
  });
}

/** A single string parameter (repeated parameters are an error, not an array). */
export function str(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(name, v, 'must be given once');
  return v;
}

/**
 * The period kind: the `kind` parameter, else the kind the `period` parameter's name can only be (2026-11 is a month,
 * 2026-Q3 a quarter …), else `fallback`. A kind that contradicts the period's name is an error naming both.
 */
export function kindParam(req: Request, fallback: PeriodKind = 'realtime'): PeriodKind {
  const v = str(req, 'kind');
  const period = str(req, 'period');
  const named = period === undefined ? undefined : periodKindOf(period);
  if (v === undefined) return named ?? fallback;
  if (!KINDS.includes(v as PeriodKind)) throw bad('kind', v, `must be one of ${KINDS.join(', ')}`);
  if (named !== undefined && named !== v)
    throw new HubError(
      'DIMS_ERR_BAD_PARAMETER',
      `query parameter kind ${JSON.stringify(v)} contradicts period ${JSON.stringify(period)}, which names a ${named}`,
      { parameter: 'kind', value: v, period, period_kind: named },
    );
  return v as PeriodKind;
}

export function levelParam(req: Request, fallback: Level): Level {
  const v = str(req, 'level');
  if (v === undefined) return fallback;
  if (!LEVELS.includes(v as Level)) throw bad('level', v, `must be one of ${LEVELS.join(', ')}`);
  return v as Level;
}

export function provinceParam(ctx: HubContext, req: Request, name = 'province'): string | undefined {
  const v = str(req, name);
  if (v === undefined) return undefined;
  if (!ctx.catalog.provinceByCode.has(v)) throw bad(name, v, 'must be a GB/T 2260 province code of the catalog');
  return v;
}

export function indicatorParam(ctx: HubContext, req: Request, required: true): string;
export function indicatorParam(ctx: HubContext, req: Request, required: false): string[] | undefined;
export function indicatorParam(ctx: HubContext, req: Request, required: boolean): string | string[] | undefined {
  const name = required ? 'indicator' : 'indicators';
  const v = str(req, name);
  if (v === undefined) {
    if (required) throw bad(name, v, 'is required');
    return undefined;
  }
  const ids = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((id) => byIdOrCode(ctx, id, name));
  if (required) {
    if (ids.length !== 1) throw bad(name, v, 'must name one indicator');
    return ids[0]!;
  }
  return ids;
}

/** Accepts an indicator id (pue) or its catalog code (C01). */
function byIdOrCode(ctx: HubContext, id: string, name: string): string {
  if (ctx.catalog.indicatorById.has(id)) return id;
  const byCode = ctx.catalog.indicators.find((i) => i.code === id);
  if (byCode) return byCode.id;
  throw bad(name, id, 'must be an indicator id or code of the catalog');
}

/**
 * The period to read: the `period` parameter (checked against the kind), else the newest one:
 * the latest real-time window, or the kind's checkpoint (last closed period).
 */
export function periodParam(ctx: HubContext, req: Request, kind: PeriodKind): string | undefined {
  const v = str(req, 'period');
  if (kind === 'realtime') {
    if (v === undefined) return ctx.engine.latestRealtime?.period;
    const ms = rfc3339Ms(v);
    if (ms === null) throw bad('period', v, 'must be the RFC 3339 end of a real-time window (2026-10-05T02:15:00Z)');
    return new Date(ms).toISOString();
  }
  if (v === undefined)
    return (
      ctx.state.checkpoint(kind) ??
      previousPeriod(kind, periodName(kind, ctx.now(), ctx.config.timezone), ctx.config.timezone)
    );
  if (periodKindOf(v) !== kind)
    throw bad('period', v, `must be a ${kind} name like ${periodExample(kind as PeriodKindName)}`);
  try {
    periodWindow(kind as PeriodKindName, v, ctx.config.timezone);
  } catch (err) {
    throw bad('period', v, `must be a real ${kind} (${(err as Error).message})`);
  }
  return v;
}

/** An instant: an RFC 3339 date-time with its offset (2026-10-05T10:00:00+08:00), nothing looser. */
export function timeParam(req: Request, name: string): number | undefined {
  const v = str(req, name);
  if (v === undefined) return undefined;
  const ms = rfc3339Ms(v);
  if (ms === null) throw bad(name, v, 'must be an RFC 3339 time like 2026-10-05T10:00:00+08:00');
  return ms;
}

/** A whole number written in decimal digits (no sign, hex, exponent or spaces) within [min, max]. */
export function intParam(req: Request, name: string, fallback: number, min: number, max: number): number {
  const v = str(req, name);
  if (v === undefined) return fallback;
  const n = /^[0-9]{1,15}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw bad(name, v, `must be a whole number from ${min} to ${max} in decimal digits`);
  return n;
}
