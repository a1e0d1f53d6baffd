// Every page on a phone and a computer in headless Chromium: where the heading starts, tap targets,
// links that leave the page's language, and what the page weighs.
//
//   node tests/browser/phone.mjs http://127.0.0.1:8000 /tmp/shots /ar/ /ur/kalender/ ...
//
// For every page at 390×844 (a phone), 1280×800 (a computer) and 640×400 (a computer at 200 % zoom)
// it reports, as one JSON object keyed by path and width:
//   headingTop     where main's h1 starts, in CSS px from the top of the page
//   screen         the viewport's height
//   small          links a finger goes for (header, menus, buttons, calendar lists, month grids) under 44 px tall
//   gridCell       a month page's narrowest day cell in CSS px where it shows as a grid (null: a list of days)
//   overflow       CSS px the page is wider than the window (a phone would scroll sideways)
//   foreign        links to a page of the site outside the page's language (the switcher excepted)
//   bytes          at 390: bytes of the page, its CSS and fonts (what a phone downloads)
//   styles         the style sheets the page loaded
// and writes a screenshot of the first screen at 390 and 1280 px to the shots folder.

import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
const SIZES = [[390, 844], [1280, 800], [640, 400]];
const TAPPED = "header a, header summary, .add a, .occs a, .agenda a, .chips a, .cal-nav a, .downloads a, " +
  ".issue a, .pager a, .actions a, .more, .back, .site-footer a, .month a, .month-nav a, .month-links a";

// Runs inside the page.
async function inspect(tapped) {
  await document.fonts.ready;
  const lang = document.documentElement.lang;
  const languages = ["en", "tr", "so", "ar", "ur"];
  const prefix = languages.includes(lang) ? `/${lang}/` : "/";
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden";
  };
  const describe = (el) => `${el.tagName.toLowerCase()} "${(el.textContent || "").trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().height)}px`;
  const small = [...document.querySelectorAll(tapped)].filter(shown)
    .filter((el) => el.getBoundingClientRect().height < 43.5).map(describe);
  const foreign = [];
  for (const a of document.querySelectorAll("a[href]")) {
    if (a.closest(".languages")) continue;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.hash && url.pathname === location.pathname) continue;
    if (/\.(ics|pdf|xml|png|txt)$/.test(url.pathname)) continue;
    const other = languages.some((l) => url.pathname.startsWith(`/${l}/`));
    if (prefix === "/" ? other : !url.pathname.startsWith(prefix)) foreign.push(url.pathname);
  }
  const h1 = document.querySelector("main h1");
  const cells = [...document.querySelectorAll("table.month td:not(.outside)")]
    .filter((td) => getComputedStyle(td).display === "table-cell");
  return {
    headingTop: h1 ? Math.round(h1.getBoundingClientRect().top + window.scrollY) : null,
    screen: window.innerHeight,
    small, foreign: [...new Set(foreign)],
    gridCell: cells.length ? Math.round(Math.min(...cells.map((td) => td.getBoundingClientRect().width))) : null,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    styles: [...document.styleSheets].map((s) => s.href && new URL(s.href).pathname).filter(Boolean),
  };
}

async function check(context, url, shots, name) {
  const page = await context.newPage();
  const result = {};
  await page.setViewportSize({ width: SIZES[0][0], height: SIZES[0][1] });
  const response = await page.goto(url, { waitUntil: "load" });
  const status = response ? response.status() : 0;
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });  // reflows without loading the page again
    result[width] = { status, ...(await page.evaluate(inspect, TAPPED)) };
    if (width !== 640) await page.screenshot({ path: path.join(shots, `${name}-${width}.png`) });
  }
  // What the phone downloaded: the page, its style sheets and the fonts its letters needed.
  result[SIZES[0][0]].bytes = await page.evaluate(() =>
    [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
      .reduce((sum, entry) => sum + entry.decodedBodySize, 0));
  await page.close();
  return result;
}

async function main() {
  const [base, shots, ...paths] = process.argv.slice(2);
  if (!base || !shots || paths.length === 0) {
    console.error("usage: node phone.mjs BASE_URL SHOTS_DIR PATH...");
    process.exit(2);
  }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext({ javaScriptEnabled: true });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    return url.startsWith(base) || url.startsWith("data:") ? route.continue() : route.abort();
  });
  const report = {};
  try {
    for (const p of paths) {
      const name = p.replace(/^\/|\/$/g, "").replaceAll("/", "_") || "index";
      report[p] = await check(context, new URL(p, base).href, shots, name);
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(report, null, 1));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
