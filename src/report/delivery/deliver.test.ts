/**
 * @module Delivery against real servers on loopback: a real SMTP server (Debian python3-aiosmtpd, writing a
 * Maildir) receives the e-mail with its attachment, and a real HTTP server plays the WeCom, DingTalk and
 * Feishu robots (checking each format and signature); a robot that fails once is retried, one that
 * refuses is logged as failed; the signed link opens the stored file, a tampered or expired one does not.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { simpleParser } from 'mailparser';
import { engineInputs } from '../inputs.ts';
import { knownFleet } from '../testing.ts';
import { runReportBatch, type BatchResult } from '../schedule.ts';
import { deliverBatch, readDeliveries } from './deliver.ts';
import { deliveryRouter } from './routes.ts';

const NOW = Date.parse('2026-11-01T03:30:00+08:00');
const fleet = knownFleet();
const dir = mkdtempSync(path.join(tmpdir(), 'dims-delivery-'));
const maildir = path.join(dir, 'mail');
const PYTHON = '/usr/bin/python3';
let smtp: ChildProcess;
let smtpPort = 0;
let robots: http.Server;
let robotBase = '';
const received: Array<{ path: string; url: string; body: Record<string, unknown> }> = [];
let wecomCalls = 0;
let batch: BatchResult;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => (c.end(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`the SMTP server did not listen on ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (!existsSync(PYTHON) || !existsSync('/usr/lib/python3/dist-packages/aiosmtpd'))
    throw new Error('delivery tests need a real SMTP server: install it (Debian: apt-get install python3-aiosmtpd)');
  smtpPort = await freePort();
  smtp = spawn(
    PYTHON,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    {
      stdio: 'ignore',
    },
  );
  await waitForPort(smtpPort, 15_000);
  robots = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      received.push({ path: url.pathname, url: req.url!, body: JSON.parse(text) as Record<string, unknown> });
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/wecom' && ++wecomCalls === 1) return void res.writeHead(502).end('{}');
      if (url.pathname === '/refuses') return void res.end('{"errcode":310000,"errmsg":"keywords not in content"}');
      res.end(url.pathname === '/feishu' ? '{"code":0,"msg":"success"}' : '{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => robots.listen(0, '127.0.0.1', r));
  robotBase = `http://127.0.0.1:${(robots.address() as AddressInfo).port}`;
  batch = await runReportBatch(
    engineInputs(fleet),
    { dir, provinces: ['44'], nation: false, formats: ['xlsx', 'csv'] },
    'month',
    '2026-10',
    { now: () => NOW, sleep: async () => {} },
  );
});

after(async () => {
  smtp?.kill();
  await new Promise<void>((r) => (robots ? robots.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

test(
  'a batch goes out by SMTP and to WeCom, DingTalk and Feishu robots; retries and failures are logged',
  { timeout: 120_000 },
  async () => {
    const sleeps: number[] = [];
    const env = { DT_SECRET: 'SECdingtalk', FS_SECRET: 'feishu-secret' };
    const log = await deliverBatch(
      batch,
      dir,
      {
        link_base: 'https://hub.example.gov.cn/',
        retries: 2,
        retry_delay_ms: 1000,
        attach: ['csv'],
        smtp: { host: '127.0.0.1', port: smtpPort, from: '数据基础设施监测 <dims@hub.example.gov.cn>' },
        routes: [
          {
            scopes: ['44'],
            email: ['bureau44@example.gov.cn'],
            webhooks: [
              { kind: 'wecom', url: `${robotBase}/wecom?key=abc` },
              { kind: 'dingtalk', url: `${robotBase}/dingtalk?access_token=t`, secret_env: 'DT_SECRET' },
              { kind: 'feishu', url: `${robotBase}/feishu`, secret_env: 'FS_SECRET' },
              { kind: 'dingtalk', url: `${robotBase}/refuses` },
            ],
          },
          { scopes: ['52'], email: ['bureau52@example.gov.cn'] },
        ],
      },
      ['zh'],
      {
        scopeName: (s) => fleet.catalog.provinceByCode.get(s)!.zh,
        now: () => NOW,
        sleep: async (ms) => void sleeps.push(ms),
        env,
      },
    );
    assert.deepEqual(
      log.map((e) => [e.channel, e.status, e.attempts]),
      [
        ['email', 'sent', 1],
        ['wecom', 'sent', 2],
        ['dingtalk', 'sent', 1],
        ['feishu', 'sent', 1],
        ['dingtalk', 'failed', 3],
      ],
    );
    assert.deepEqual(sleeps, [1000, 1000, 2000], 'one retry of WeCom, two of the refusing robot, doubling');
    assert.match(log[4]!.error!, /errcode 310000/);
    assert.equal(log[1]!.target, new URL(robotBase).host, 'the robot key is not logged');
    assert.deepEqual(readDeliveries(dir), log);

    // The e-mail, read from the SMTP server's Maildir.
    const files = readdirSync(path.join(maildir, 'new'));
    assert.equal(files.length, 1);
    const mail = await simpleParser(readFileSync(path.join(maildir, 'new', files[0]!)));
    assert.equal(mail.subject, '广东省 2026-10 数据基础设施监测报告');
    assert.match(String((mail.to as { text: string }).text), /bureau44@example\.gov\.cn/);
    assert.deepEqual(
      mail.attachments.map((a) => a.filename),
      ['44-2026-10.zh.csv'],
    );
    assert.ok(mail.attachments[0]!.content.equals(readFileSync(path.join(dir, 'month/2026-10/44-2026-10.zh.csv'))));
    assert.match(
      mail.text ?? '',
      /https:\/\/hub\.example\.gov\.cn\/api\/v1\/report-files\/month\/2026-10\/44-2026-10\.zh\.xlsx\?expires=\d+&sig=/,
    );

    // The robots, each in its own format.
    const wecom = received.filter((r) => r.path === '/wecom').at(-1)!.body as {
      msgtype: string;
      markdown: { content: string };
    };
    assert.equal(wecom.msgtype, 'markdown');
    assert.match(wecom.markdown.content, /\*\*广东省 2026-10 数据基础设施监测报告\*\*/);
    assert.match(
      wecom.markdown.content,
      /\[下载报告\(xlsx\)\]\(https:\/\/hub\.example\.gov\.cn\/api\/v1\/report-files\//,
    );
    const ding = received.find((r) => r.path === '/dingtalk')!;
    const q = new URL(ding.url, 'http://x').searchParams;
    assert.equal(q.get('timestamp'), String(NOW));
    assert.equal(q.get('sign'), createHmac('sha256', 'SECdingtalk').update(`${NOW}\nSECdingtalk`).digest('base64'));
    assert.equal((ding.body as { msgtype: string }).msgtype, 'link');
    assert.match((ding.body as { link: { messageUrl: string } }).link.messageUrl, /sig=/);
    const fs = received.find((r) => r.path === '/feishu')!.body as {
      timestamp: string;
      sign: string;
      msg_type: string;
    };
    assert.equal(fs.msg_type, 'post');
    const ts = Math.floor(NOW / 1000);
    assert.equal(fs.timestamp, String(ts));
    assert.equal(fs.sign, createHmac('sha256', `${ts}\nfeishu-secret`).update('').digest('base64'));
  },
);

test('a signed link opens the stored report without a token; a tampered or expired one does not', async () => {
  let now = NOW;
  const app = express();
  app.use(deliveryRouter({ dir, visible: () => ({ all: true }), now: () => now }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const wecom = received.filter((r) => r.path === '/wecom').at(-1)!.body as { markdown: { content: string } };
    const link = /\((https:\/\/hub\.example\.gov\.cn[^)]+)\)/.exec(wecom.markdown.content)![1]!;
    const local = link.replace('https://hub.example.gov.cn', base);
    const ok = await fetch(local);
    assert.equal(ok.status, 200);
    assert.ok(
      Buffer.from(await ok.arrayBuffer()).equals(readFileSync(path.join(dir, 'month/2026-10/44-2026-10.zh.xlsx'))),
    );
    assert.equal((await fetch(local.replace(/sig=./, 'sig=x'))).status, 403);
    assert.equal(
      (await fetch(local.replace('44-2026-10.zh.xlsx', '44-2026-10.zh.csv'))).status,
      403,
      'a signature is for one file',
    );
    assert.equal(
      (await fetch(`${base}/api/v1/report-files/..%2F..%2Fetc%2Fpasswd?expires=9999999999&sig=x`)).status,
      403,
    );
    now = NOW + 31 * 86_400_000;
    assert.equal((await fetch(local)).status, 403, 'expired after 30 days');
  } finally {
    server.close();
  }
});
