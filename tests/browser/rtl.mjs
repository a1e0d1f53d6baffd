// Right-to-left pages in headless Chromium: direction, fonts, mirroring, nothing clipped or overlapping.
//
//   node tests/browser/rtl.mjs http://127.0.0.1:8000 /tmp/shots /ar/ /ur/kalender/ ...
//
// For every page at 390 and 320 CSS px wide it reports, as one JSON object keyed by path:
//   dir, direction      <html dir> and the body's computed direction
//   fonts               font families the page really loaded (document.fonts)
//   wide                elements reaching outside the viewport
//   clipped             text blocks whose text does not fit their box (scrollWidth/Height > client)
//   overlaps            sibling boxes (menu items, list items, blocks) that cover each other
//   headingGap          distance from the h1's inline-start edge to main's (0 = mirrored correctly)
//   lineHeight          the first paragraph's line height / font size (Nastaliq needs about 2.2)
// and writes a full-page screenshot at 390 px to the shots folder. Python decides what fails.

import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

// Runs inside the page.
async function inspect() {
  await document.fonts.ready;
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = el.classList.length ? `.${[...el.classList].join(".")}` : "";
    return `${el.tagName.toLowerCase()}${id}${cls} "${(el.textContent || "").trim().slice(0, 40)}"`;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && box.width > 1 && box.height > 1;
  };
  const all = [...document.body.querySelectorAll("*")].filter(visible);

  const wide = all.filter((el) => {
    const box = el.getBoundingClientRect();
    return box.left < -1 || box.right > width + 1;
  }).map(describe);

  const textBlocks = all.filter((el) => {
    const style = getComputedStyle(el);
    return style.display !== "inline" && el.clientWidth > 0 &&
      [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  });
  const clipped = textBlocks.filter((el) => {
    const style = getComputedStyle(el);
    const hides = style.overflowX !== "visible" || style.overflowY !== "visible" || style.textOverflow === "ellipsis";
    const tooWide = el.scrollWidth > el.clientWidth + 1;
    const tooTall = hides && el.scrollHeight > el.clientHeight + 1;
    return tooWide || tooTall;
  }).map(describe);

  const overlaps = [];
  const parents = new Set(all.map((el) => el.parentElement).filter(Boolean));
  for (const parent of parents) {
    if (parent.closest("svg")) continue;
    // Boxes only: an inline element wrapping over lines has a bounding box as wide as the lines.
    const kids = [...parent.children].filter(visible).filter((el) => {
      const style = getComputedStyle(el);
      return style.display !== "inline" && style.display !== "contents" &&
        (style.position === "static" || style.position === "relative");
    });
    for (let i = 0; i < kids.length; i++) {
      for (let j = i + 1; j < kids.length; j++) {
        const a = kids[i].getBoundingClientRect();
        const b = kids[j].getBoundingClientRect();
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1) overlaps.push(`${describe(kids[i])} × ${describe(kids[j])}`);
      }
    }
  }

  const main = document.querySelector("main");
  const h1 = document.querySelector("main h1");
  let headingGap = null;
  if (main && h1) {
    const style = getComputedStyle(main);
    const m = main.getBoundingClientRect();
    const h = h1.getBoundingClientRect();
    const rtl = getComputedStyle(h1).direction === "rtl";
    headingGap = rtl ? (m.right - parseFloat(style.paddingRight)) - h.right : h.left - (m.left + parseFloat(style.paddingLeft));
  }
  const paragraph = document.querySelector("main p");
  const ps = paragraph ? getComputedStyle(paragraph) : null;
  const lineHeight = ps ? parseFloat(ps.lineHeight) / parseFloat(ps.fontSize) : null;
  const fonts = [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family.replaceAll('"', ""));
  return {
    dir: document.documentElement.getAttribute("dir"),
    lang: document.documentElement.getAttribute("lang"),
    direction: getComputedStyle(document.body).direction,
    fonts: [...new Set(fonts)].sort(),
    wide, clipped, overlaps, headingGap, lineHeight,
  };
}

async function check(context, url, shots, name) {
  const page = await context.newPage();
  const result = {};
  await page.setViewportSize({ width: 390, height: 844 });
  const response = await page.goto(url, { waitUntil: "load" });
  const status = response ? response.status() : 0;
  for (const [width, height] of [[390, 844], [320, 640]]) {
    await page.setViewportSize({ width, height });  // reflows without loading the page again
    result[width] = { status, ...(await page.evaluate(inspect)) };
    if (width === 390) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  }
  await page.close();
  return result;
}

async function main() {
  const [base, shots, ...paths] = process.argv.slice(2);
  if (!base || !shots || paths.length === 0) {
    console.error("usage: node rtl.mjs BASE_URL SHOTS_DIR PATH...");
    process.exit(2);
  }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext();
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
