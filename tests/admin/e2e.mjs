// Drives Decap CMS at /admin/ in Chromium as a board member would, for tests/test_admin_browser.py.
//   node e2e.mjs BASE_URL SCREENSHOT_FOLDER
// Logs in (local decap-server), creates a news item and a weekly activity, cancels one of its dates,
// and publishes each; screenshots of every screen at 1280 and 390 px wide. Prints a JSON report.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const [base, shots] = process.argv.slice(2);
const report = { screens: [], errors: [] };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--lang=da-DK'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK' });
const page = await context.newPage();
page.on('pageerror', (error) => report.errors.push(error.message));
page.on('dialog', (dialog) => dialog.accept()); // "Er du sikker ...?" before publishing

async function shoot(name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 400 ? 900 : 844 });
    await page.waitForTimeout(300);
    const file = path.join(shots, `${name}-${width}.png`);
    await page.screenshot({ path: file });
    report.screens.push(file);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function choose(label, option) {
  // Decap's select is a react-select whose input the label names: type to filter, Enter to pick.
  await page.getByLabel(label).click();
  await page.keyboard.type(option);
  await page.keyboard.press('Enter');
}

async function publish() {
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await page.getByText('Status: Kladde').waitFor({ timeout: 30000 });
  await page.getByText('Status: Kladde').click();
  await page.getByText('Klar', { exact: true }).last().click();
  await page.getByText('Status: Klar').waitFor({ timeout: 30000 });
  await page.getByText('Publicer', { exact: true }).first().click();
  await page.getByText('Publicer nu').click();
  await page.getByText('Dokumentet er publiceret').waitFor({ timeout: 90000 });
}

try {
  await page.goto(`${base}/admin/`);
  await page.getByRole('button', { name: 'Log ind' }).click();
  await page.getByText('Samlinger').waitFor({ timeout: 60000 });
  report.collections = await page.locator('nav a, aside a').allInnerTexts();
  await shoot('01-samlinger');

  // A news item.
  await page.goto(`${base}/admin/#/collections/nyheder/new`);
  await page.getByLabel('Overskrift (Title)').fill('Strikkeklubben er startet');
  await page.getByLabel('Dato (Date)').fill('2013-03-01T10:00');
  await choose('Indsatsområde (Category)', 'Beboernetværk, inddragelse og demokrati');
  await page.locator('[data-slate-editor="true"]').click();
  await page.keyboard.type('Hver tirsdag strikker vi i beboerhuset. Alle er velkomne.');
  await shoot('02-ny-nyhed');
  await publish();
  await shoot('03-nyhed-publiceret');

  // A weekly activity, then one date cancelled.
  await page.goto(`${base}/admin/#/collections/aktiviteter/new`);
  await page.getByLabel('Overskrift (Title)').fill('Strikkeklub');
  await page.getByLabel('Første gang (Start)').fill('2013-03-05T16:00');
  await page.getByLabel('Slutter (End)').fill('2013-03-05T18:00');
  await choose('Gentag hver uge på disse dage', 'tirsdag');
  await page.getByLabel('Gentag indtil (sidste dato)').fill('2013-06-25');
  await page.getByLabel('Sted (Location)').fill('Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby');
  await choose('Afdeling (Estate)', 'Akacieparken');
  await choose('Indsatsområde (Category)', 'Beboernetværk, inddragelse og demokrati');
  await page.locator('[data-slate-editor="true"]').click();
  await page.keyboard.type('Vi strikker sammen. Tag dit strikketøj med.');
  await page.getByLabel('Første gang (Start)').scrollIntoViewIfNeeded();
  await shoot('04-ny-aktivitet');
  await publish();

  // The published entry is loaded again: wait for it to settle, or the new row is lost in the reload.
  await page.getByText('Ændringer gemt').waitFor({ timeout: 30000 });
  await page.waitForTimeout(1000);
  const dates = page.locator('input[type="date"]');
  const before = await dates.count();
  await page.getByRole('button', { name: /Tilføj aflyst/ }).click();
  await dates.nth(before).waitFor(); // the new row's date (the lists below are empty)
  await dates.last().fill('2013-03-12');
  await dates.last().press('Tab'); // the widget takes the value when the field is left
  await shoot('05-aflys-en-dato');
  await publish();
  report.ok = true;
} catch (error) {
  report.ok = false;
  report.failure = String(error && error.stack ? error.stack : error);
  await page.screenshot({ path: path.join(shots, 'fejl.png'), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
  process.stdout.write(JSON.stringify(report));
}
