/**
 * @module Delivers a batch of scheduled reports: an e-mail over SMTP (nodemailer) with the chosen formats
 * attached and download links, and a message to each group-chat robot (robots.ts) with a signed link.
 * Each send is retried with doubling delays; every outcome goes to the delivery log (`deliveries.json` in
 * the reports folder), which the hub serves to the console's reports page.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Lang } from '../../catalog/docs.ts';
import type { ReportFormat } from '../types.ts';
import type { DeliveryConfig, DeliveryRoute, RobotKind } from './config.ts';
import { linkSecret, signedLink } from './links.ts';
import { robotOk, robotRequest, type RobotMessage } from './robots.ts';
import { t } from '../text.ts';

export type Channel = 'email' | RobotKind;

/** A written report of a batch (an entry of the schedule's index). */
export interface WrittenReport {
  scope: string;
  lang: Lang;
  format: ReportFormat;
  /** Relative to the reports folder. */
  file: string;
  status: 'ok' | 'failed';
  generated_at: string;
}

/** What a scheduled batch wrote. */
export interface DeliveryBatch {
  kind: string;
  period: string;
  entries: WrittenReport[];
}

export interface DeliveryEntry {
  at: string;
  kind: string;
  period: string;
  scope: string;
  lang: Lang;
  channel: Channel;
  /** The recipient: addresses, or the robot's host (its URL carries a key and is not logged). */
  target: string;
  status: 'sent' | 'failed';
  attempts: number;
  error?: string;
}

export const DELIVERY_LOG = 'deliveries.json';
const KEEP = 2000;

export function readDeliveries(dir: string): DeliveryEntry[] {
  const file = path.join(dir, DELIVERY_LOG);
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { deliveries?: DeliveryEntry[] }).deliveries ?? [];
}

function appendLog(dir: string, entries: DeliveryEntry[]): void {
  const all = readDeliveries(dir).concat(entries).slice(-KEEP);
  const file = path.join(dir, DELIVERY_LOG);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ deliveries: all }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export interface DeliveryHooks {
  now?(): number;
  sleep?(ms: number): Promise<void>;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** The scope's name in a language (province name, or the nation). */
  scopeName(scope: string, lang: Lang): string;
  env?: NodeJS.ProcessEnv;
}

/** Retries `send` with doubling delays; the outcome, attempts and last error. */
async function withRetries(
  send: () => Promise<void>,
  retries: number,
  delayMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<{ ok: boolean; attempts: number; error?: string }> {
  let error = '';
  for (let attempt = 1, delay = delayMs; attempt <= retries + 1; attempt++, delay *= 2) {
    try {
      await send();
      return { ok: true, attempts: attempt };
    } catch (err) {
      error = (err as Error).message;
      if (attempt <= retries) await sleep(delay);
    }
  }
  return { ok: false, attempts: retries + 1, error };
}

function routesFor(cfg: DeliveryConfig, scope: string): DeliveryRoute[] {
  return (cfg.routes ?? []).filter((r) => r.scopes.includes(scope) || r.scopes.includes('*'));
}

/** The robot's host: enough to tell robots apart in the log, without the key in its URL. */
function robotTarget(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid url';
  }
}

/** Delivers the written reports of a batch to every route that asks for their scope. */
export async function deliverBatch(
  batch: DeliveryBatch,
  dir: string,
  cfg: DeliveryConfig,
  defaultLangs: Lang[],
  hooks: DeliveryHooks,
): Promise<DeliveryEntry[]> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const env = hooks.env ?? process.env;
  const retries = cfg.retries ?? 3;
  const delay = cfg.retry_delay_ms ?? 60_000;
  const secret = cfg.link_base ? linkSecret(dir) : undefined;
  const expires = now() + (cfg.link_ttl_hours ?? 720) * 3_600_000;
  const link = (file: string) => (secret && cfg.link_base ? signedLink(cfg.link_base, secret, file, expires) : file);
  const mailer = cfg.smtp
    ? nodemailer.createTransport({
        host: cfg.smtp.host,
        port: cfg.smtp.port ?? 587,
        secure: cfg.smtp.secure ?? false,
        ...(cfg.smtp.user
          ? { auth: { user: cfg.smtp.user, pass: cfg.smtp.password_env ? (env[cfg.smtp.password_env] ?? '') : '' } }
          : {}),
      })
    : undefined;
  const out: DeliveryEntry[] = [];
  try {
    const byScope = new Map<string, WrittenReport[]>();
    for (const e of batch.entries.filter((x) => x.status === 'ok'))
      byScope.set(`${e.scope}|${e.lang}`, [...(byScope.get(`${e.scope}|${e.lang}`) ?? []), e]);
    for (const [key, files] of byScope) {
      const [scope, lang] = key.split('|') as [string, Lang];
      for (const route of routesFor(cfg, scope)) {
        if (!(route.langs ?? [defaultLangs[0] ?? 'zh']).includes(lang)) continue;
        const title = t('delivery_title', lang, { scope: hooks.scopeName(scope, lang), period: batch.period });
        const main = files.find((f) => f.format === 'pdf') ?? files.find((f) => f.format === 'xlsx') ?? files[0]!;
        const lines = [
          `${t('period', lang)}: ${batch.period}`,
          `${t('delivery_formats', lang)}: ${files.map((f) => f.format).join(', ')}`,
          `${t('generated_at', lang)}: ${files[0]!.generated_at}`,
        ];
        const base = { at: new Date(now()).toISOString(), kind: batch.kind, period: batch.period, scope, lang };
        if (route.email?.length && mailer) {
          const attach = files.filter((f) => (cfg.attach ?? ['pdf']).includes(f.format));
          const r = await withRetries(
            async () => {
              await mailer.sendMail({
                from: cfg.smtp!.from,
                to: route.email!.join(', '),
                subject: title,
                text: [...lines, '', ...files.map((f) => `${f.format}: ${link(f.file)}`)].join('\n'),
                attachments: attach.map((f) => ({ filename: path.basename(f.file), path: path.join(dir, f.file) })),
              });
            },
            retries,
            delay,
            sleep,
          );
          out.push({
            ...base,
            channel: 'email',
            target: route.email.join(', '),
            status: r.ok ? 'sent' : 'failed',
            attempts: r.attempts,
            ...(r.error ? { error: r.error } : {}),
          });
        }
        for (const hook of route.webhooks ?? []) {
          const message: RobotMessage = {
            title,
            lines,
            link: link(main.file),
            linkText: t('delivery_open', lang, { format: main.format }),
          };
          const r = await withRetries(
            async () => {
              const req = robotRequest(
                hook.kind,
                hook.url,
                message,
                hook.secret_env ? env[hook.secret_env] : undefined,
                now(),
              );
              const res = await fetch(req.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(req.body),
                signal: AbortSignal.timeout(15_000),
              });
              const text = await res.text();
              let body: unknown;
              try {
                body = JSON.parse(text);
              } catch {
                body = undefined;
              }
              const problem = robotOk(hook.kind, res.status, body);
              if (problem) throw new Error(problem);
            },
            retries,
            delay,
            sleep,
          );
          out.push({
            ...base,
            channel: hook.kind,
            target: robotTarget(hook.url),
            status: r.ok ? 'sent' : 'failed',
            attempts: r.attempts,
            ...(r.error ? { error: r.error } : {}),
          });
        }
      }
    }
  } finally {
    mailer?.close();
    if (out.length > 0) appendLog(dir, out);
  }
  for (const e of out)
    if (e.status === 'failed')
      hooks.log?.(
        'error',
        `delivery of ${e.scope} ${e.period} by ${e.channel} to ${e.target} failed after ${e.attempts} attempts: ${e.error}`,
      );
  hooks.log?.(
    'info',
    `reports ${batch.kind} ${batch.period}: ${out.filter((e) => e.status === 'sent').length} deliveries sent, ${out.filter((e) => e.status === 'failed').length} failed`,
  );
  return out;
}
