/**
 * @module Token scopes and what each may do. One place decides every permission, so the permission
 * matrix test exercises exactly the rules the routes apply.
 *
 *   nation              read everything
 *   province:<code>     read one province (its values, its centers, its alerts)
 *   admin               read everything, administer (recompute, status), file declarations for any center
 *   agent:<center>      write that center's records and declarations only
 *   center:<center>     read that center's own reports only (its operators); writes nothing
 *   federate:<code>     a provincial hub forwarding upward: write records of any center of that province
 *   alertmanager        deliver Alertmanager webhooks only
 */

export type Scope =
  | { kind: 'nation' }
  | { kind: 'admin' }
  | { kind: 'alertmanager' }
  | { kind: 'province'; province: string }
  | { kind: 'agent'; center: string }
  | { kind: 'center'; center: string }
  | { kind: 'federate'; province: string };

const CENTER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const PROVINCE = /^[1-6][0-9]$/;

/** Parses a scope string; returns an explanation instead when it is not one. */
export function parseScope(text: string): Scope | { error: string } {
  if (text === 'nation' || text === 'admin' || text === 'alertmanager') return { kind: text };
  const m = /^(province|agent|center|federate):(.+)$/.exec(text);
  if (m) {
    const [, kind, arg] = m as unknown as [string, 'province' | 'agent' | 'center' | 'federate', string];
    if (kind === 'agent' || kind === 'center')
      return CENTER_ID.test(arg)
        ? { kind, center: arg }
        : { error: `center id must match ${CENTER_ID.source} (got ${JSON.stringify(arg)})` };
    return PROVINCE.test(arg)
      ? { kind, province: arg }
      : { error: `province must be a two-digit GB/T 2260 code (got ${JSON.stringify(arg)})` };
  }
  return {
    error:
      `scope must be one of nation, admin, alertmanager, province:<code>, agent:<center>, center:<center>, ` +
      `federate:<code> (got ${JSON.stringify(text)})`,
  };
}

export function formatScope(s: Scope): string {
  switch (s.kind) {
    case 'province':
    case 'federate':
      return `${s.kind}:${s.province}`;
    case 'agent':
    case 'center':
      return `${s.kind}:${s.center}`;
    default:
      return s.kind;
  }
}

/** Reads everything (nation-wide lists, every province). */
export function readsAll(s: Scope): boolean {
  return s.kind === 'nation' || s.kind === 'admin';
}

/** Any reading at all (catalog, hierarchy, values …). */
export function canRead(s: Scope): boolean {
  return readsAll(s) || s.kind === 'province';
}

/** May read data of this province (its level value, its centers). */
export function canReadProvince(s: Scope, province: string): boolean {
  return readsAll(s) || (s.kind === 'province' && s.province === province);
}

/** May read this center's own reports: its province's readers and the center's own read-only token. */
export function canReadCenter(s: Scope, center: string, province: string | undefined): boolean {
  if (s.kind === 'center') return s.center === center;
  return province !== undefined && canReadProvince(s, province);
}

/** The one province a scope is limited to when reading, or undefined for nation-wide readers. */
export function readProvince(s: Scope): string | undefined {
  return s.kind === 'province' ? s.province : undefined;
}

/** May push telemetry records (POST /records) at all. */
export function canPushRecords(s: Scope): boolean {
  return s.kind === 'agent' || s.kind === 'federate';
}

/** May write records or declarations of a center in `province`. */
export function canWriteCenter(s: Scope, center: string, province: string | undefined, declaration: boolean): boolean {
  if (s.kind === 'agent') return s.center === center;
  if (s.kind === 'federate') return province !== undefined && s.province === province;
  if (s.kind === 'admin') return declaration;
  return false;
}

/** May file declarations (POST /declarations) at all. */
export function canDeclare(s: Scope): boolean {
  return s.kind === 'admin' || s.kind === 'agent' || s.kind === 'federate';
}

export function isAdmin(s: Scope): boolean {
  return s.kind === 'admin';
}

export function canPostAlerts(s: Scope): boolean {
  return s.kind === 'alertmanager' || s.kind === 'admin';
}
