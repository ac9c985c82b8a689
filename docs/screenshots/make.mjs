#!/usr/bin/env node
// Regenerates the README pictures (docs/img/*.png). Needs root (a private network namespace for `usage`), tmux,
// chromium (apt-get install -y chromium), and a built CLI (npm run build). Run: node docs/screenshots/make.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from 'puppeteer-core';
import { ansiToHtml } from './ansi-to-html.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'packages/ephemeral-ports/bin/ephemeral-ports.js');
const OUT = join(ROOT, 'docs/img');
const TMUX = '/usr/bin/tmux';
const session = `ep-screenshot-${process.pid}`;
const scratch = mkdtempSync(join(tmpdir(), 'ep-screenshots-'));
const SVG = join(scratch, 'port-map.svg');
const run = (file, args) => execFileSync(file, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' }, timeout: 60_000 });

// 1. `usage` in a terminal: a fresh netns with the workload, the CLI run in tmux, the pane captured with colours.
const script = [
  'ip link set lo up',
  `python3 ${join(ROOT, 'docs/screenshots/workload.py')} & sleep 2`,
  `node ${BIN} usage --top 3; node ${BIN} map --width 100 --svg ${SVG}`,
  'sleep 60',
].join('; ');
run(TMUX, ['new-session', '-d', '-s', session, '-x', '108', '-y', '40', '/usr/bin/unshare', '-n', '/bin/sh', '-c', script]);
let pane = '';
try {
  for (let i = 0; i < 40 && !/wrote /.test(pane); i++) {
    await new Promise((r) => setTimeout(r, 500));
    pane = run(TMUX, ['capture-pane', '-t', session, '-e', '-p']);
  }
} finally {
  run(TMUX, ['kill-session', '-t', session]);
}
pane = pane.replace(/\n\s*\n*$/, '\n');

const browser = await launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 800, deviceScaleFactor: 1 });
  await page.setContent(ansiToHtml(pane.replace(/^wrote .*\n/m, ''), '$ ephemeral-ports usage --top 3; ephemeral-ports map'));
  await (await page.$('#term')).screenshot({ path: join(OUT, 'usage-terminal.png') });
  // 2. The map the same run wrote, as PNG for the README.
  const svg = readFileSync(SVG, 'utf8').replace(/^<\?xml[^>]*>/, '');
  await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
  await (await page.$('svg')).screenshot({ path: join(OUT, 'port-map.png') });
} finally {
  await browser.close();
  rmSync(scratch, { recursive: true, force: true });
}
console.log('wrote docs/img/usage-terminal.png, docs/img/port-map.png');
