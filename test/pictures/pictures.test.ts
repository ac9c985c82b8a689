/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The port map and the HTML report, rendered by a real browser (headless chromium): label boxes from getBBox never
 * overlap, every listener / busy-port mark is at least 2 px wide on screen, the legend's colours are the colours
 * drawn, the report loads nothing from the network. Screenshots go to test/pictures/.artifacts/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortSet, analyzeUsage, buildPortMap, diagnose, renderPortMapSvg, type SocketEntry } from '@ephemeral-ports/core';
import { renderHtmlReport } from '../../packages/ephemeral-ports/src/report/html.js';
import { memoryEnv, runCli, assertBuilt } from '../cli/run-cli.js';
import { IP, NETNS_REQUIREMENT, canUseNetns, createNetns } from '../helpers/netns.js';
import { ARTIFACTS, CHROMIUM_REQUIREMENT, HAVE_CHROMIUM, launchChromium } from './browser.js';
import { overlaps, probeSvg, ticksThroughLabels } from './svg-probe.js';

const RANGE = { low: 32768, high: 60999 };
// Listeners packed close together (22/25, 8080/8081/8443, 45000/45001/45010) so that labels must dodge each other.
const LISTENERS = [22, 25, 80, 443, 3306, 5432, 6379, 8080, 8081, 8443, 9090, 9100, 40005, 45000, 45001, 45010, 60000, 65535];
const BUSY = [33000, 33001, 33002, 33500, 41000, 52000, 62000];

const tcp = (state: SocketEntry['state'], localPort: number, remoteAddress = '0.0.0.0', remotePort = 0): SocketEntry => ({
  protocol: 'tcp',
  family: 4,
  state,
  localAddress: state === 'LISTEN' ? '0.0.0.0' : '10.0.0.1',
  localPort,
  remoteAddress,
  remotePort,
});

function fixtureMap() {
  return buildPortMap({
    range: RANGE,
    reserved: PortSet.of({ low: 40000, high: 40009 }, { low: 50000, high: 50000 }),
    listening: PortSet.fromPorts(LISTENERS),
    inUse: PortSet.fromPorts(BUSY),
  });
}

function fixtureReport() {
  const sockets: SocketEntry[] = [
    ...LISTENERS.map((p) => tcp('LISTEN', p)),
    ...Array.from({ length: 400 }, (_, i) => tcp(i % 3 === 0 ? 'TIME_WAIT' : 'ESTABLISHED', 33000 + i, '10.0.0.9', 5432)),
    ...Array.from({ length: 60 }, (_, i) => tcp('ESTABLISHED', 45100 + i, '10.0.0.7', 443)),
  ];
  const reserved = PortSet.of({ low: 40000, high: 40009 });
  const usage = analyzeUsage({ census: { sockets, source: 'fixture' }, range: RANGE, reserved });
  const doctor = diagnose(usage, { os: 'linux', reserved, unprivilegedPortStart: 1024 });
  return renderHtmlReport({
    map: buildPortMap({
      range: RANGE,
      reserved,
      listening: PortSet.fromPorts(LISTENERS),
      inUse: PortSet.fromPorts(sockets.filter((s) => s.state !== 'LISTEN').map((s) => s.localPort)),
    }),
    usage,
    doctor,
    host: 'db-1 <test & "quotes">',
    netns: '/run/netns/blue',
    time: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    os: 'linux',
    unprivilegedStart: 1024,
  });
}

function checkProbe(probe: ReturnType<typeof probeSvg>, width: number) {
  expect(overlaps(probe.labels)).toEqual([]);
  expect(ticksThroughLabels(probe)).toEqual([]);
  for (const box of probe.labels) {
    expect(box.x, `${box.text} starts inside the picture`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${box.text} ends inside the picture`).toBeLessThanOrEqual(width);
  }
  const listening = probe.marks.filter((m) => m.kind === 'listening');
  expect(listening.length).toBeGreaterThan(0);
  for (const m of probe.marks) expect(m.width, `${m.kind} ${m.low}-${m.high}`).toBeGreaterThanOrEqual(2);
  // Everything drawn is in the legend; the legend may also list a kind with nothing to draw, counted as 0.
  for (const kind of Object.keys(probe.drawnColours)) expect(probe.legendColours).toHaveProperty([kind]);
  for (const kind of Object.keys(probe.legendColours).filter((k) => !(k in probe.drawnColours))) {
    expect(probe.legendTexts[kind]).toMatch(/\(0\)$/);
  }
  for (const [kind, colours] of Object.entries(probe.drawnColours)) {
    for (const c of colours) expect(c, `drawn ${kind}`).toBe(probe.legendColours[kind]);
  }
}

describe('report command (built CLI)', () => {
  it('needs --html (usage error, exit 2); --json says where the page went and the verdict', async () => {
    assertBuilt();
    const mem = memoryEnv({ EP_TEST_LISTENING: '8080' });
    const dir = mkdtempSync(join(tmpdir(), 'ep-report-'));
    try {
      const missing = await runCli(['report'], mem.env);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--html');
      const file = join(dir, 'r.html');
      const r = await runCli(['report', '--html', file, '--json'], mem.env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ html: file, verdict: expect.stringMatching(/^(ok|warn|critical)$/) });
      expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg[\s\S]*data-kind="listening" data-low="8080"[\s\S]*<\/html>\n$/);
    } finally {
      mem.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAVE_CHROMIUM)(`pictures in a real browser ${CHROMIUM_REQUIREMENT}`, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    dir = mkdtempSync(join(tmpdir(), 'ep-pictures-'));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([320, 640, 1200])('port map at %i px: no overlapping labels, marks >= 2 px, legend = drawn colours', async (width) => {
    const svg = renderPortMapSvg(fixtureMap(), {
      width,
      host: 'db-1',
      netns: '/run/netns/blue',
      time: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      unprivilegedStart: 1024,
    });
    await page.setViewport({ width: width + 20, height: 400 });
    await page.setContent(`<!doctype html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>/, '')}</body>`);
    const probe = await page.evaluate(probeSvg, 'svg');
    checkProbe(probe, width);
    // One mark per listening region of the model: none lost.
    expect(probe.marks.filter((m) => m.kind === 'listening').map((m) => [m.low, m.high])).toEqual(
      fixtureMap().regions.filter((r) => r.kind === 'listening').map((r) => [r.low, r.high]),
    );
    await (await page.$('svg'))!.screenshot({ path: join(ARTIFACTS, `port-map-${width}.png`) });
  });

  it('the probe is real: overlapping labels and a hairline mark are caught', async () => {
    const broken = renderPortMapSvg(fixtureMap(), { width: 640 })
      .replace(/(<text class="label"[^>]*) x="[\d.]+"/g, '$1 x="100"')
      .replace(/(<rect class="mark"[^>]*) width="[\d.]+"/, '$1 width="0.5"')
      .replace(/(<rect class="legend-swatch" data-kind="listening"[^>]*) fill="#[0-9a-f]+"/, '$1 fill="#123456"');
    await page.setContent(`<!doctype html><body style="margin:0">${broken.replace(/^<\?xml[^>]*>/, '')}</body>`);
    const probe = await page.evaluate(probeSvg, 'svg');
    expect(overlaps(probe.labels).length).toBeGreaterThan(0);
    expect(Math.min(...probe.marks.map((m) => m.width))).toBeLessThan(2);
    expect(probe.legendColours.listening).not.toBe(probe.drawnColours.listening![0]);
    await page.setContent(
      '<svg id="t" width="200" height="200"><line class="tick" x1="50" y1="0" x2="50" y2="100"/><text class="label" x="40" y="112">own</text>' +
        '<text class="label" x="30" y="50">in the way</text></svg>',
    );
    expect(ticksThroughLabels(await page.evaluate(probeSvg, '#t'))).toEqual(['tick of "own" crosses "in the way"']);
  });

  it('HTML report: self-contained (no request leaves the page), map + charts + findings, readable', async () => {
    const html = fixtureReport();
    const file = join(dir, 'report.html');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, html);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(requests).toEqual([]);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    const seen = await page.evaluate(() => ({
      title: document.title,
      h1: document.querySelector('h1')?.textContent,
      states: [...document.querySelectorAll('#chart-states .bar-row text:first-child')].map((t) => t.childNodes[0]?.textContent),
      destinations: document.querySelectorAll('#chart-destinations .bar-row').length,
      findings: [...document.querySelectorAll('.finding')].map((f) => (f as HTMLElement).dataset.severity),
      verdict: document.querySelector('.verdict')?.textContent,
    }));
    expect(seen.h1).toBe('Ports of db-1 <test & "quotes">');
    expect(seen.states).toEqual(expect.arrayContaining(['TCP ESTABLISHED', 'TCP TIME_WAIT', 'TCP LISTEN']));
    expect(seen.destinations).toBe(2);
    expect(seen.findings.length).toBeGreaterThan(0);
    expect(['ok', 'warn', 'critical']).toContain(seen.verdict);
    checkProbe(await page.evaluate(probeSvg, 'figure.map svg'), 1240);
    for (const chart of ['#chart-states', '#chart-destinations']) {
      const boxes = await page.evaluate(
        (sel) =>
          [...document.querySelectorAll<SVGTextElement>(`${sel} text`)].map((t) => {
            const b = t.getBBox();
            return { cls: 'chart', text: t.textContent ?? '', x: b.x, y: b.y, width: b.width, height: b.height };
          }),
        chart,
      );
      expect(overlaps(boxes)).toEqual([]);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
  });

  it('report --html (built CLI) writes a page the browser opens offline, with the double\'s listeners on the map', async () => {
    assertBuilt();
    const mem = memoryEnv({ EP_TEST_RANGE: '40000-50001', EP_TEST_LISTENING: '22,8080,45000' });
    try {
      const file = join(dir, 'cli-report.html');
      const r = await runCli(['report', '--html', file], mem.env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`wrote ${file}`);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const probe = await page.evaluate(probeSvg, 'figure.map svg');
      expect(probe.marks.filter((m) => m.kind === 'listening').map((m) => m.low)).toEqual([22, 8080, 45000]);
      checkProbe(probe, 1240);
    } finally {
      mem.cleanup();
    }
  });
});

describe.runIf(canUseNetns)(`report --html on a real namespace ${NETNS_REQUIREMENT}`, () => {
  it('a listener inside the range shows on the map, in the findings, and the heading names the namespace', async () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'ep-report-netns-'));
    const ns = await createNetns();
    const script = join(dir, 'listen.cjs');
    writeFileSync(script, "require('node:net').createServer().listen(45000, '127.0.0.1', () => process.stdout.write('up\\n'));\n");
    const server = ns.spawnNode(script);
    try {
      expect((await ns.exec(IP, ['link', 'set', 'lo', 'up'])).code).toBe(0);
      await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));
      await ns.writeRange(40000, 50000);
      const file = join(dir, 'report.html');
      const r = await runCli(['report', '--html', file, '--netns', ns.path, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const body = JSON.parse(r.stdout) as { verdict: string; findings: Array<{ rule: string }> };
      expect(body.findings.map((f) => f.rule)).toContain('LISTENER_IN_RANGE');
      const html = readFileSync(file, 'utf8');
      expect(html).toContain(`netns ${ns.path}`);
      expect(html).toContain('data-kind="listening" data-low="45000" data-high="45000"');
      expect(html).toContain('data-kind="ephemeral" data-low="40000" data-high="50000"');
    } finally {
      server.kill();
      await ns.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
