// Drives Decap CMS at /admin/ in Chromium as a board member would, for tests/test_admin_browser.py.
//   node e2e.mjs BASE_URL SCREENSHOT_FOLDER PICTURE
// Logs in (local decap-server), creates a news item with a picture (uploaded, with its alt text) and its
// Arabic translation beside it, a weekly activity, cancels one of its dates, an all-day activity, and
// edits a newsletter section; publishes each. Screenshots of every screen at 1280 and 390 px wide.
// Prints a JSON report.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const [base, shots, picture] = process.argv.slice(2);
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
  await page.getByLabel(label).first().click(); // the translation's column repeats it, disabled
  await page.keyboard.type(option);
  await page.keyboard.press('Enter');
}

async function settled() {
  // A published entry is loaded again: leaving before it has settled takes the reload along.
  await page.getByText('Ændringer gemt').waitFor({ timeout: 30000 });
  await page.waitForTimeout(1000);
}

async function publish() {
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await page.getByText('Status: Kladde').waitFor({ timeout: 60000 });
  await page.getByText('Status: Kladde').click();
  await page.getByText('Klar', { exact: true }).last().click();
  await page.getByText('Status: Klar').waitFor({ timeout: 60000 });
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
  await page.getByLabel('Overskrift (Title)').first().fill('Strikkeklubben er startet');
  await page.getByLabel('Dato (Date)').first().fill('2013-03-01T10:00');
  await choose('Indsatsområde (Category)', 'Beboernetværk, inddragelse og demokrati');
  await page.locator('[data-slate-editor="true"]').first().click();
  await page.keyboard.type('Hver tirsdag strikker vi i beboerhuset. Alle er velkomne.');
  // The picture: uploaded in Decap's media library, chosen, and described for blind readers.
  await page.getByRole('button', { name: 'Vælg et billede' }).first().click();
  await page.locator('input[type="file"]').setInputFiles(picture);
  await page.getByRole('button', { name: 'Anvend valgte' }).click();
  await page.getByLabel('Billedtekst til blinde læsere (Image-Alt)').first().fill('Fem beboere strikker ved et bord');
  // The Arabic translation, in the column beside the Danish text.
  await page.getByText('Skriver på EN').click();
  await page.getByRole('menuitem', { name: /^ar$/i }).click();
  await page.getByText('Skriver på AR').waitFor();
  await page.getByLabel('Overskrift (Title)').nth(1).fill('نادي الحياكة بدأ');
  await page.locator('[data-slate-editor="true"]').nth(1).click();
  await page.keyboard.type('كل يوم ثلاثاء نحيك معًا في بيت السكان.');
  await shoot('02-ny-nyhed');
  await publish();
  await shoot('03-nyhed-publiceret');

  // A weekly activity, then one date cancelled (in the Danish column: the first of each field).
  await page.goto(`${base}/admin/#/collections/aktiviteter/new`);
  await page.getByLabel('Overskrift (Title)').first().fill('Strikkeklub');
  await page.getByLabel('Første gang (Start)').first().fill('2013-03-05T16:00');
  await page.getByLabel('Slutter (End)').first().fill('2013-03-05T18:00');
  await choose('Gentag hver uge på disse dage', 'tirsdag');
  await page.getByLabel('Gentag indtil (sidste dato)').first().fill('2013-06-25');
  await page.getByLabel('Sted (Location)').first().fill('Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby');
  await choose('Afdeling (Estate)', 'Akacieparken');
  await choose('Indsatsområde (Category)', 'Beboernetværk, inddragelse og demokrati');
  await page.locator('[data-slate-editor="true"]').first().click();
  await page.keyboard.type('Vi strikker sammen. Tag dit strikketøj med.');
  await page.getByLabel('Første gang (Start)').first().scrollIntoViewIfNeeded();
  await shoot('04-ny-aktivitet');
  await publish();

  await settled(); // or the new row is lost in the reload
  await page.getByRole('button', { name: /Tilføj aflyst/ }).click();
  const cancelled = page.getByLabel('Dato', { exact: true }).first(); // the new row (the other lists are empty)
  await cancelled.waitFor();
  await cancelled.fill('2013-03-12');
  await cancelled.press('Tab'); // the widget takes the value when the field is left
  await shoot('05-aflys-en-dato');
  await publish();
  await settled();

  // An all-day activity: one tick, and the times are left out.
  await page.goto(`${base}/admin/#/collections/aktiviteter/new`);
  await page.getByLabel('Overskrift (Title)').first().fill('Loppemarked');
  await page.getByLabel('Hele dagen').first().check();
  await page.getByLabel('Første gang (Start)').first().fill('2013-05-04T00:00');
  await page.getByLabel('Slutter (End)').first().fill('2013-05-05T00:00');
  await page.getByLabel('Sted (Location)').first().fill('Gården ved blok A');
  await choose('Afdeling (Estate)', 'Lukretiavej');
  await choose('Indsatsområde (Category)', 'Image og kommunikation');
  await page.locator('[data-slate-editor="true"]').first().click();
  await page.keyboard.type('Sælg det, du ikke bruger, og find noget nyt.');
  await page.getByLabel('Hele dagen').first().scrollIntoViewIfNeeded();
  await shoot('06-hele-dagen');
  await publish();
  await settled();

  // A section of the coming newsletter, edited.
  // Opened afresh, as from a bookmark: Decap 3.16.3 may keep the previous entry's form when it moves
  // between collections by the address alone.
  await page.goto(`${base}/admin/#/collections/afsnit/entries/2013-2/20-bestyrelsen`);
  await page.reload();
  const last = page.getByText('Containeren til storskrald står ved blok A');
  await last.waitFor({ timeout: 30000 });
  await page.waitForTimeout(500);
  const box = await last.boundingBox();
  await last.click({ position: { x: box.width - 2, y: box.height / 2 } }); // after the paragraph's last word
  await page.waitForTimeout(300);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Bestyrelsen holder åbent hus den 12. juni kl. 17.');
  await shoot('07-afsnit');
  await publish();
  report.ok = true;
} catch (error) {
  report.ok = false;
  report.failure = String(error && error.stack ? error.stack : error);
  await page.screenshot({ path: path.join(shots, 'fejl.png'), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
  fs.writeFileSync(path.join(shots, 'report.json'), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report));
}
