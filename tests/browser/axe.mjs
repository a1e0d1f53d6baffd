// Checks built pages in headless Chromium: axe-core rules and horizontal scroll at 320 px.
//
//   node tests/browser/axe.mjs http://127.0.0.1:8000 / /nyheder/ ...
//
// Prints one JSON object: {"<path>": {"status": 200, "violations": [...], "scrollWidth320": n,
// "fonts": ["/theme/fonts/...woff2"]}, ..., "*foreign requests*": [...]}.
// Python (tests/test_accessibility.py) decides what counts as a failure.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const axeSource = path.join(root, "node_modules", "axe-core", "axe.min.js");

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

const TABS = Number(process.env.AXE_TABS || 4);

async function check(context, url) {
  const page = await context.newPage();
  const fonts = [];
  page.on("request", (request) => {
    if (request.resourceType() === "font") fonts.push(new URL(request.url()).pathname);
  });
  await page.setViewportSize({ width: 390, height: 844 });
  const response = await page.goto(url, { waitUntil: "load" });
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const violations = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
  // WCAG 1.4.10 reflow: at 320 CSS px (a phone, or 400 % zoom) nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 640 });
  const scrollWidth320 = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.evaluate(() => document.fonts.ready);
  await page.close();
  return { status: response ? response.status() : 0, violations, scrollWidth320, fonts: [...new Set(fonts)].sort() };
}

async function main() {
  const [base, ...paths] = process.argv.slice(2);
  if (!base || paths.length === 0) {
    console.error("usage: node axe.mjs BASE_URL PATH...");
    process.exit(2);
  }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  // Only the local server may be asked for anything: a request elsewhere is a bug.
  const context = await browser.newContext();
  const foreign = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith("data:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  // A few tabs at once: most of the time is spent waiting on axe and page loads.
  const results = {};
  const queue = [...paths];
  const worker = async () => {
    while (queue.length) {
      const p = queue.shift();
      results[p] = await check(context, new URL(p, base).href);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(TABS, paths.length) }, worker));
  } finally {
    await browser.close();
  }
  const report = Object.fromEntries(paths.map((p) => [p, results[p]]));  // in the order asked
  report["*foreign requests*"] = foreign.sort();
  console.log(JSON.stringify(report, null, 1));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
