/**
 * @module The web console in a real browser (Debian Chromium via playwright-core, loopback only): sign in,
 * nation → province → center by clicking, language switch, alerts, collector health, a report download, and
 * what a provincial token may see. Assertions read what a person sees; screenshots go to test-artifacts/console/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startConsoleStack, type ConsoleStack } from '../support/console-stack.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { formatValue, setLang } from '../../src/console/web/i18n.ts';
import { statusAt } from '../../src/catalog/targets.ts';

const ARTIFACTS = path.resolve('test-artifacts/console');
let stack: ConsoleStack;
let browser: TestBrowser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startConsoleStack({ centers: 40, days: 30, seed: 2026 });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // A refused request (the 403 of another province) is logged by the browser; that is the hub doing its job.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 40[13]/.test(m.text()))
      pageErrors.push(m.text());
  });
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

/** The hub's answer for the nation token, to compare what the page shows with. */
async function api<T>(p: string, scope = 'nation'): Promise<T> {
  const r = await fetch(`${stack.url}${p}`, { headers: { authorization: `Bearer ${stack.tokens[scope]}` } });
  assert.equal(r.status, 200, `${p}: ${r.status}`);
  return (await r.json()) as T;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const h1 = () => page.locator('main h1');

/** Waits until `selector` matches exactly `n` elements (pages re-render on every choice). */
async function waitForCount(selector: string, n: number): Promise<void> {
  await page.waitForFunction(
    ([sel, count]) =>
      document.querySelectorAll(sel as string).length === count && !document.querySelector('main[aria-busy]'),
    [selector, n] as const,
  );
}

async function signIn(scope: string): Promise<void> {
  await page.locator('#token').fill(stack.tokens[scope]!);
  await page.getByRole('button', { name: '进入' }).click();
}

test('the console is Chinese by default and refuses an unknown token', async () => {
  await page.goto(`${stack.url}/`);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  assert.equal(await page.title(), '数据基础设施监测平台');
  await page.locator('#token').fill('dims_not-a-token');
  await page.getByRole('button', { name: '进入' }).click();
  await page.getByText('令牌无效或已吊销').waitFor();
  await shot('sign-in');
});

test('nation page: 60 indicators in four dimensions with value, unit, official target and status', async () => {
  await signIn('nation');
  await h1()
    .filter({ hasText: `全国 · ${stack.period}` })
    .waitFor();
  for (const d of ['A 算力规模', 'B 运行效能', 'C 绿色低碳', 'D 安全自主与网络'])
    await page.getByRole('heading', { name: d }).waitFor();
  assert.equal(await page.locator('table.indicators tbody tr').count(), 60);

  // PUE as the hub computed it, formatted with its unit, with the official target and the status it implies.
  const nation = await api<{ values: Array<{ indicator: string; value: number | null; status: string }> }>(
    `/api/v1/values?level=nation&kind=month&period=${stack.period}`,
  );
  const pue = nation.values.find((v) => v.indicator === 'pue')!.value!;
  setLang('zh');
  const row = page.locator('table.indicators tr', { hasText: '电能利用效率' }).first();
  const text = await row.innerText();
  assert.ok(text.includes(formatValue(pue, 'ratio')), `PUE row shows ${formatValue(pue, 'ratio')}: ${text}`);
  assert.ok(text.includes('≤ 1.5'), text);
  const pueInd = stack.catalog.indicatorById.get('pue')!;
  assert.ok(text.includes(statusAt(pueInd, 'nation', pue) === 'met' ? '达标' : '未达标'), text);
  const electricity = nation.values.find((v) => v.indicator === 'electricity_gwh')!.value!;
  assert.ok(
    (await page.locator('table.indicators tr', { hasText: '总用电量' }).innerText()).includes(
      formatValue(electricity, 'GWh'),
    ),
  );
  assert.ok(
    (await page.locator('.badge.met').count()) > 0 && (await page.locator('.badge.missed').count()) > 0,
    'both met and missed targets are shown',
  );
  // Every row's status reads as the hub judged it.
  const words: Record<string, string> = { met: '达标', missed: '未达标', no_target: '无目标', no_value: '无数据' };
  const shown = await page
    .locator('table.indicators tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-indicator'), tr.querySelector('.badge')?.textContent]),
    );
  for (const [id, word] of shown)
    assert.equal(word, words[nation.values.find((v) => v.indicator === id)?.status ?? 'no_value'], `status of ${id}`);

  // Empty values read "—" with the reason on hover, never 0.
  const empties = nation.values.filter((v) => v.value === null).length;
  const dashes = page.locator('table.indicators .value.null');
  assert.equal(await dashes.count(), empties);
  if (empties > 0) {
    assert.equal((await dashes.first().innerText()).trim(), '—');
    assert.match((await dashes.first().getAttribute('title'))!, /^原因: .{4,}/);
  }

  // Coverage, the tile map and the ranking.
  assert.match(await page.locator('[data-stat=coverage]').innerText(), /40\/40/);
  assert.equal(await page.locator('svg.tilemap a').count(), 31);
  const ranking = await api<{ ranking: Array<{ code: string; rank: number | null; value: number | null }> }>(
    `/api/v1/rankings?indicator=pue&level=province&kind=month&period=${stack.period}`,
  );
  const rows = page.locator('#ranking tbody tr');
  assert.equal(await rows.count(), ranking.ranking.length);
  const best = stack.catalog.provinceByCode.get(ranking.ranking[0]!.code)!;
  assert.match(
    await rows.first().innerText(),
    new RegExp(`^1\\s+${best.zh}\\s+${formatValue(ranking.ranking[0]!.value!, 'ratio').replace('.', '\\.')}`),
  );
  await shot('nation');
});

test('the map and ranking follow the chosen indicator', async () => {
  await page.locator('#map-indicator').selectOption('dom_accel_share');
  await page.getByRole('heading', { name: /排名 · D01 国产加速卡占比/ }).waitFor();
  const ranking = await api<{ ranking: Array<{ code: string; value: number | null }> }>(
    `/api/v1/rankings?indicator=dom_accel_share&level=province&kind=month&period=${stack.period}`,
  );
  const first = await page.locator('#ranking tbody tr').first().innerText();
  assert.ok(first.includes(stack.catalog.provinceByCode.get(ranking.ranking[0]!.code)!.zh), first);
  assert.ok(first.includes(formatValue(ranking.ranking[0]!.value!, '%')), first);
  const tile = page.locator(`svg.tilemap a[href="#/province/${ranking.ranking[0]!.code}"]`);
  assert.ok((await tile.textContent())!.includes(formatValue(ranking.ranking[0]!.value!, '%')));
  await page.locator('#map-indicator').selectOption('pue');
  await page.getByRole('heading', { name: /排名 · C01 电能利用效率/ }).waitFor();
});

test('a period with no data shows dashes with their reason, never zeros', async () => {
  await page.locator('#period-kind').selectOption('quarter');
  await h1().filter({ hasText: '全国 · 2026-Q3' }).waitFor();
  await waitForCount('table.indicators tbody tr', 60);
  assert.equal(await page.locator('table.indicators .value:not(.null)').count(), 0);
  assert.equal(await page.locator('table.indicators .value.null').count(), 60);
  assert.equal(
    await page.locator('table.indicators .value.null').first().getAttribute('title'),
    '原因: 该周期没有上报数据',
  );
  assert.equal(await page.locator('.badge.met, .badge.missed').count(), 0, 'nothing is judged without a value');
  await shot('nation-empty-quarter');
  await page.locator('#period-kind').selectOption('month');
  await h1()
    .filter({ hasText: `全国 · ${stack.period}` })
    .waitFor();
});

test('drill-down: a province tile opens the province with its centers, trends and rank', async () => {
  const code = stack.province;
  const prov = stack.catalog.provinceByCode.get(code)!;
  await page.locator(`svg.tilemap a[href="#/province/${code}"]`).click();
  await h1()
    .filter({ hasText: `${prov.zh} · ${stack.period}` })
    .waitFor();
  const centers = stack.registry.centers.filter((c) => c.province === code);
  assert.equal(await page.locator('table.centers tbody tr').count(), centers.length);
  for (const c of centers) await page.getByRole('link', { name: c.name, exact: true }).waitFor();
  assert.match(await page.locator('[data-stat=rank]').innerText(), /^\d+ \/ 31/);
  // Four trend charts, each with a line over October's days and its points.
  assert.equal(await page.locator('figure.chart-box').count(), 4);
  for (const title of ['用电量', 'PUE', 'IT负荷使用率', '国产加速卡占比'])
    await page.locator('figure.chart-box', { hasText: title }).waitFor();
  const pts = await page.locator('figure.chart-box[data-indicator=pue] circle.point:not(.null)').count();
  assert.ok(pts >= 28, `PUE chart shows the month's days (${pts} points)`);
  assert.equal(
    await page.locator('table.indicators tbody tr').count(),
    stack.catalog.indicators.filter((i) => i.levels.includes('province')).length,
  );
  await shot('province');
});

test('drill-down: a center opens its page; the breadcrumb leads back', async () => {
  const code = stack.province;
  const center = stack.registry.centers.find((c) => c.province === code)!;
  await page.getByRole('link', { name: center.name, exact: true }).click();
  await h1()
    .filter({ hasText: `${center.name} · ${stack.period}` })
    .waitFor();
  await page.locator('dl.facts', { hasText: '已建机架' }).waitFor();
  assert.ok((await page.locator('dl.facts').innerText()).includes(center.racks_installed.toLocaleString('zh-CN')));
  const values = await api<{ values: Array<{ indicator: string; value: number | null }> }>(
    `/api/v1/values?level=center&code=${center.id}&kind=month&period=${stack.period}`,
  );
  const pue = values.values.find((v) => v.indicator === 'pue')!.value!;
  assert.ok(
    (await page.locator('table.indicators tr', { hasText: '电能利用效率' }).innerText()).includes(
      formatValue(pue, 'ratio'),
    ),
  );
  assert.match(await page.locator('[data-stat=last]').innerText(), /2026\/10\/31/);
  assert.equal(await page.locator('figure.chart-box path.line').count(), 4);
  await shot('center');
  await page.locator('nav.breadcrumb a', { hasText: stack.catalog.provinceByCode.get(code)!.zh }).click();
  await h1()
    .filter({ hasText: stack.catalog.provinceByCode.get(code)!.zh })
    .waitFor();
  await page.getByRole('link', { name: center.name, exact: true }).click();
  await h1().filter({ hasText: center.name }).waitFor();
});

test('English by the toggle, and back to Chinese', async () => {
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'A Computing scale' }).waitFor();
  await page.getByRole('heading', { name: 'D Security, autonomy & network' }).waitFor();
  assert.ok(
    (await page.locator('table.indicators tr', { hasText: 'Power usage effectiveness (PUE)' }).innerText()).match(
      /Met|Missed/,
    ),
  );
  await page.getByRole('link', { name: 'Collector health' }).waitFor();
  await page.locator('figure.chart-box', { hasText: 'Domestic accelerator share' }).waitFor();
  await shot('center-en');
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { name: 'A 算力规模' }).waitFor();
});

test("alerts: the hub's alert history, filterable by status", async () => {
  await page.getByRole('link', { name: '告警' }).click();
  await h1().filter({ hasText: '告警' }).waitFor();
  const rows = page.locator('table.alerts tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  assert.match(await rows.filter({ hasText: 'DimsPueHigh' }).innerText(), /告警中\s+critical/);
  assert.match(await rows.filter({ hasText: 'DimsCollectorDown' }).innerText(), /已恢复\s+warning/);
  await page.locator('#alert-status').selectOption('firing');
  await waitForCount('table.alerts tbody tr', 1);
  assert.match(await page.locator('table.alerts tbody tr').innerText(), /DimsPueHigh/);
  await shot('alerts');
  await page.locator('#alert-status').selectOption('');
});

test('collector health: storage ready, every agent late in November, last data shown', async () => {
  await page.getByRole('link', { name: '采集健康' }).click();
  await h1().filter({ hasText: '采集健康' }).waitFor();
  assert.match(await page.locator('.stat', { hasText: '存储' }).innerText(), /就绪/);
  assert.equal((await page.locator('[data-stat=late] .stat-value').innerText()).trim(), '40');
  assert.equal(await page.locator('table.collectors tbody tr').count(), 40);
  assert.match(await page.locator('table.collectors tbody tr').first().innerText(), /2026\/10\/31.*迟报/s);
  await shot('collectors');
});

test('reports: a provincial xlsx and a national csv download from the page', async () => {
  await page.getByRole('link', { name: '报表' }).click();
  await page.locator('form.report-form').waitFor();
  await page.locator('#report-scope').selectOption(stack.province);
  await page.locator('#report-period').selectOption(stack.period);
  await page.locator('#report-format').selectOption('xlsx');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).click()]);
  assert.equal(xlsx.suggestedFilename(), `${stack.province}-${stack.period}.zh.xlsx`);
  const saved = path.join(ARTIFACTS, xlsx.suggestedFilename());
  await xlsx.saveAs(saved);
  const bytes = readFileSync(saved);
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip');
  await page.getByText(`已下载: ${xlsx.suggestedFilename()}`).waitFor();
  await shot('reports');

  await page.locator('#report-scope').selectOption('nation');
  await page.locator('#report-format').selectOption('csv');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).click()]);
  assert.equal(csv.suggestedFilename(), `nation-${stack.period}.zh.csv`);
  const text = readFileSync(await csv.path()).toString('utf8');
  assert.ok(text.includes('电能利用效率'), 'the national CSV lists PUE by its Chinese name');

  // The delivery log: the scheduled delivery to a robot that never answered, as a failed row with its reason.
  const row = page.locator('table.deliveries tbody tr').first();
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  const provinceZh = stack.catalog.provinceByCode.get(stack.province)!.zh;
  assert.deepEqual(cells.slice(1, 4), [stack.period, provinceZh, 'dingtalk'], 'the province by its name');
  assert.match(cells[4]!, /^127\.0\.0\.1:\d+$/, 'the robot by its host, not its keyed URL');
  assert.deepEqual(cells.slice(5, 7), ['失败', '1']);
  assert.ok(cells[7]!.length > 0, 'the reason is shown');
  await page.locator('#report-format').selectOption('pdf');
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).click()]);
  assert.equal(pdf.suggestedFilename(), `nation-${stack.period}.zh.pdf`);
  assert.equal(
    readFileSync(await pdf.path())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );

  // A center's own report, picked under its province.
  await page.locator('#report-scope').selectOption(stack.province);
  const centerName = stack.registry.byId.get(stack.center)!.name;
  assert.ok(
    (await page.locator('#report-center option').allInnerTexts()).includes(`${centerName} (${stack.center})`),
    'the province offers its centers',
  );
  await page.locator('#report-center').selectOption(stack.center);
  await page.locator('#report-format').selectOption('json');
  const [own] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).click()]);
  assert.equal(own.suggestedFilename(), `center-${stack.center}-${stack.period}.zh.json`);
  const doc = JSON.parse(readFileSync(await own.path()).toString('utf8')) as { level: string; scope: { code: string } };
  assert.deepEqual([doc.level, doc.scope.code], ['center', stack.center]);
});

test('a provincial token sees its province only', async () => {
  const code = stack.province;
  const prov = stack.catalog.provinceByCode.get(code)!;
  await page.getByRole('button', { name: '退出' }).click();
  await page.getByRole('heading', { name: '登录' }).waitFor();
  await signIn(`province:${code}`);
  await h1()
    .filter({ hasText: `${prov.zh} · ${stack.period}` })
    .waitFor();
  assert.equal(await page.locator('.main-nav a', { hasText: '全国' }).count(), 0, 'no national view');
  assert.match(await page.locator('.scope').innerText(), new RegExp(prov.zh));

  await page.goto(`${stack.url}/console/#/nation`);
  await h1().filter({ hasText: prov.zh }).waitFor();

  const other = stack.registry.centers.find((c) => c.province !== code)!;
  await page.goto(`${stack.url}/console/#/province/${other.province}`);
  await page.getByRole('heading', { name: '无权访问：当前令牌只能查看本省数据' }).waitFor();
  assert.match(await page.locator('.card.error').innerText(), /DIMS_ERR_PROVINCE_FORBIDDEN/);
  await shot('province-forbidden');
  await page.goto(`${stack.url}/console/#/center/${other.id}`);
  await page.locator('.card.error', { hasText: 'DIMS_ERR_PROVINCE_FORBIDDEN' }).waitFor();

  await page.getByRole('link', { name: '告警' }).click();
  await page.locator('table.alerts tbody tr').first().waitFor();
  assert.equal(await page.locator('table.alerts tbody tr').count(), 1, "only its own province's alert");
  await page.getByRole('link', { name: '报表' }).click();
  // The reports page renders its form after the hierarchy arrives: wait for it before reading the choices.
  await page.locator('#report-scope option').first().waitFor({ state: 'attached' });
  assert.deepEqual(await page.locator('#report-scope option').allInnerTexts(), [prov.zh]);
  await page.getByRole('link', { name: prov.zh }).click();
  await h1().filter({ hasText: prov.zh }).waitFor();
  await shot('province-token');
});

test("a center's token signs in to its own center's reports and nothing else; an agent's token does not sign in", async () => {
  const center = stack.registry.byId.get(stack.center)!;
  await page.getByRole('button', { name: '退出' }).click();
  await page.getByRole('heading', { name: '登录' }).waitFor();
  await signIn(`agent:${stack.center}`);
  await page.getByText('此令牌用于数据上报或告警投递，不能登录控制台').waitFor();

  await signIn(`center:${stack.center}`);
  await page.locator('form.report-form').waitFor();
  assert.equal(new URL(page.url()).hash, '#/reports');
  assert.deepEqual(await page.locator('.main-nav a').allInnerTexts(), ['报表'], 'its reports only');
  assert.match(await page.locator('.scope').innerText(), new RegExp(center.name));
  assert.equal(await page.locator('#report-scope').count(), 0, 'no province or nation to choose');
  assert.deepEqual(await page.locator('#report-center option').allInnerTexts(), [`${center.name} (${center.id})`]);
  assert.equal(await page.locator('#report-period').inputValue(), stack.period, 'the newest ended month');
  assert.equal(await page.locator('table.deliveries').count(), 0, 'the delivery log is for readers');
  await page.locator('#report-format').selectOption('xlsx');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).click()]);
  assert.equal(xlsx.suggestedFilename(), `center-${stack.center}-${stack.period}.zh.xlsx`);
  assert.equal(
    readFileSync(await xlsx.path())
      .subarray(0, 2)
      .toString('latin1'),
    'PK',
  );
  await page.getByText(`已下载: ${xlsx.suggestedFilename()}`).waitFor();
  await shot('center-token');

  // Any other page leads back to its reports; the hub refuses the rest of the API to this token.
  await page.goto(`${stack.url}/console/#/nation`);
  await page.locator('#report-center').waitFor();
  assert.equal(new URL(page.url()).hash, '#/reports');
  const token = stack.tokens[`center:${stack.center}`]!;
  for (const p of [
    '/api/v1/catalog',
    `/api/v1/values?level=center&code=${stack.center}&kind=month`,
    '/api/v1/reports/deliveries',
  ])
    assert.equal((await fetch(`${stack.url}${p}`, { headers: { authorization: `Bearer ${token}` } })).status, 403, p);
});

test('the browser reached nothing beyond loopback and the pages raised no errors', () => {
  assert.deepEqual(browser.offLoopback, []);
  assert.deepEqual(pageErrors, []);
});
