// Lighthouse's accessibility audit of several screens of the app, in one Node process: loading
// Lighthouse and its config costs seconds, which the CLI paid once per screen. Snapshot mode: each
// screen is audited once drawn, without navigation mode's trace and waits for a quiet network and CPU,
// which only serve performance figures (the accessibility audits and their weights are the same).
//
// Usage: node tests/lighthouse_snapshot.mjs <Chromium's debugging port> <reports folder>
//   then, on stdin, the screens as JSON: [{name, url, text}], `text` showing once the screen has
//   drawn its data. Reading them only after loading Lighthouse lets the caller start Chromium meanwhile.
// Writes Lighthouse's JSON report of each screen to <reports folder>/<name>.json.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';

import puppeteer from 'puppeteer-core';
import {defaultConfig, snapshot} from 'lighthouse';
import {defaultSettings} from 'lighthouse/core/config/constants.js';
import {emulate} from 'lighthouse/core/lib/emulation.js';

const [port, reports] = process.argv.slice(2);
const WAIT = 30_000; // ms for a screen to draw its data

// The default config cut down to the accessibility category, as `onlyCategories` ends up, without
// loading and checking the ~150 other audits on each run (~0.5 s). Lighthouse throws if one of the
// category's audits is missing.
const category = defaultConfig.categories.accessibility;
const audited = new Set(category.auditRefs.map((ref) => ref.id));
const config = {
  ...defaultConfig,
  audits: defaultConfig.audits.filter((audit) => audited.has(audit.split('/').pop())),
  categories: {accessibility: category},
};
// No full-page screenshot (~1 s a screen): it only illustrates failing elements in the HTML report.
const flags = {onlyCategories: ['accessibility'], disableFullPageScreenshot: true, output: 'json'};

const input = [];
for await (const chunk of process.stdin) input.push(chunk);
const screens = JSON.parse(Buffer.concat(input).toString());

const browser = await puppeteer.connect({browserURL: `http://127.0.0.1:${port}`, defaultViewport: null});
try {
  // A tab of its own in the paired profile (it shares its storage), as the CLI opened.
  const page = await browser.newPage();
  // Snapshot mode emulates nothing: this is the phone that navigation mode emulates by default (its
  // screen, touch and user agent), set by Lighthouse's own code; it lasts as long as `session`.
  const session = await page.createCDPSession();
  await emulate({sendCommand: (method, params) => session.send(method, params)}, defaultSettings);
  for (const {name, url, text} of screens) {
    // A fresh load, as navigation mode did: a hash change alone would leave the previous screen on
    // display for a moment, and its text might pass for this one's.
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(
      (expected) => document.body.innerText.replace(/\s+/g, ' ').includes(expected), {timeout: WAIT}, text,
    ).catch((error) => { throw new Error(`${name}: "${text}" never showed at ${url}`, {cause: error}); });
    await page.waitForNetworkIdle({idleTime: 500, timeout: WAIT});
    const result = await snapshot(page, {config, flags});
    await writeFile(path.join(reports, `${name}.json`), result.report);
  }
} finally {
  await browser.disconnect();
}
