/**
 * The tab in headless Chromium: inside a minimal Teams host page (same origin, answering
 * teams-js's initialize, getContext and getAuthToken messages, and sending a theme change and a
 * configuration save), and outside Teams (local mode with the development login). Screenshots go
 * to test-artifacts/ and, with UPDATE_SCREENSHOTS=1, to test/screenshots/ for the README.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Frame, type FrameLocator, type Page } from 'playwright-core';
import type { Booking } from '../../src/booking/model.js';
import type { QuestionRecord } from '../../src/store/store.js';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, eventually, requireChromium, UI_TIMEOUT } from '../helpers/e2e.js';
import { SSO_APP_ID, startFakeEntra, TENANT, type FakeEntra } from '../helpers/entra.js';
import { cardOf, CHANNEL_ID, chooseChannel, startHarness, teamsActivity, type Harness } from '../helpers/harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const CHANNEL = CHANNEL_ID;
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };

/** The host page: what Teams does for a tab, as far as teams-js asks (toolchain-notes §7). */
function hostPage(tabPath: string, token: string, theme: string): string {
  // Teams opens the configuration page in the "settings" frame context, tabs in "content".
  const frame = tabPath.includes('mode=config') ? 'settings' : 'content';
  return `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Teams (test host)</title></head>
<body style="margin:0"><iframe id="tab" title="Veiviser" src="${tabPath}" style="width:100%;height:1400px;border:0"></iframe>
<script>
window.hostLog = [];
window.addEventListener('message', (ev) => {
  const m = ev.data; if (!m || !m.func) return;
  window.hostLog.push({ func: m.func, args: m.args });
  const reply = (args) => ev.source.postMessage({ id: m.id, uuid: m.uuid, uuidAsString: m.uuidAsString, args }, ev.origin);
  if (m.func === 'initialize') reply([${JSON.stringify(frame)}, 'web', JSON.stringify({ apiVersion: 4, supports: { pages: { appButton: {}, tabs: {}, config: {} }, teamsCore: {}, logs: {}, authentication: {} } }), '2.58.0']);
  else if (m.func === 'getContext') reply([{ locale: 'nb-NO', theme: ${JSON.stringify(theme)}, userPrincipalName: 'eva@fjordvik.example', tid: ${JSON.stringify(TENANT)}, frameContext: ${JSON.stringify(frame)}, hostClientType: 'web', hostName: 'Teams' }]);
  else if (m.func === 'authentication.getAuthToken') reply([true, ${JSON.stringify(token)}]);
  else if (m.func === 'settings.setSettings') reply([true]);
  else reply([]);
});
window.sendToTab = (func, args) => document.getElementById('tab').contentWindow.postMessage({ func, args }, location.origin);
</script></body></html>`;
}

describe('the tab in headless Chromium: inside a Teams host page and outside Teams', function () {
  this.timeout(180_000);
  let h: Harness;
  let entra: FakeEntra;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let ticketIds: string[] = [];
  const shot = async (name: string, target: Page = page) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `tab-${name}.png`);
    await target.screenshot({ path, fullPage: false });
    if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(path, join(SCREENSHOTS, `tab-${name}.png`));
  };
  const openInHost = async (tabPath: string, theme = 'default', token?: string): Promise<FrameLocator> => {
    const t = token ?? await entra.token({ oid: 'aad-eva', name: 'Eva Eier' });
    await page.route(`${h.app.url}/teams-host.html`, (route) => route.fulfill({ contentType: 'text/html', body: hostPage(tabPath, t, theme) }));
    await page.goto(`${h.app.url}/teams-host.html`);
    return page.frameLocator('#tab');
  };
  const tabFrame = (): Frame => page.frames().find((f) => f.url().includes('/tab'))!;
  /** axe-core's WCAG 2 A/AA rules on the tab as it is now; returns the violations. */
  const axe = async (frame: Frame): Promise<string[]> => {
    await frame.addScriptTag({ content: readFileSync(AXE, 'utf8') });
    const v = await frame.evaluate(async () => {
      const r = await (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<{ passes: unknown[]; violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
      return { passes: r.passes.length, violations: r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`) };
    });
    assert.ok(v.passes >= 10, `axe checked ${v.passes} rules only`);
    return v.violations;
  };

  before(async function () {
    requireChromium(this, 'tab e2e');
    entra = await startFakeEntra();
    h = await startHarness({ ALLOWED_TENANT_IDS: TENANT, TEAMS_SSO_APP_ID: SSO_APP_ID, TAB_LEADER_GROUP_IDS: 'grp-ledere', LOG_LEVEL: 'silent' }, { tabJwksUrl: entra.jwksUrl });
    h.roster.push({ ...eva, userRole: 'owner' }, { id: '29:user-ola', name: 'Ola Rådgiver', aadObjectId: 'aad-ola', userRole: 'user' });
    const base = (from: typeof kari, over: Record<string, unknown>) => ({ ...teamsActivity(h, { from, conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } } }), ...over });
    await chooseChannel(h, eva, TENANT);
    const create = (question: string, section: string, office: string) => h.post(base(kari, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'ticketCreate', data: { question, section, office, consent: 'true' } } } }));
    await create('Kan bruker ta fagbrev som praksiskandidat etter 5 år som assistent i barnehage?', 'fagopplaering', 'NAV Fjordvik');
    await create('Hvordan melder bruker seg opp til privatisteksamen i norsk muntlig?', 'eksamen', 'NAV Dalheim');
    await create('Hva kreves for å få realkompetansevurdering i helsefag?', 'realkompetansevurdering', 'NAV Fjordvik');
    ticketIds = (await h.app.store.listTickets()).map((t) => t.id);
    // Seeded questions: 14 this week (10 answered, 3 to the team, 1 to NAV).
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const q = (i: number, outcome: QuestionRecord['outcome'], over: Partial<QuestionRecord> = {}): QuestionRecord => ({ id: `seed-${i}`, at, userHash: 'h', conversationType: 'personal', outcome, office: 'NAV Fjordvik', topUrl: `${h.app.siteUrl}eksamen/`, ...over });
    for (let i = 0; i < 10; i++) await h.app.store.recordQuestion(q(i, 'answer', i < 6 ? { feedback: { helpful: true, at } } : {}));
    for (let i = 10; i < 13; i++) await h.app.store.recordQuestion(q(i, 'escalate', { text: 'godkjenning av utenlandsk fagbrev fra Polen', topUrl: `${h.app.siteUrl}fagopplaering/` }));
    await h.app.store.recordQuestion(q(13, 'nav', { office: 'NAV Dalheim' }));
    // Two bookings: one confirmed next week, one held.
    const booking = (n: number, state: Booking['state'], days: number, counsellor: { mailbox: string; name: string }): Booking => {
      const start = new Date(Date.now() + days * 86_400_000);
      const iso = start.toISOString();
      return { id: `TS-2026-${String(n).padStart(4, '0')}`, year: 2026, number: n, version: 1, state, counsellor, start: iso, end: new Date(start.getTime() + 3_600_000).toISOString(), format: 'teams', topic: 'karriereveiledning', veilederJoins: true, brukerAlias: 'Bruker A', veileder: { id: 'aad-kari', name: 'Kari Veileder', conversationKey: 'personal:a:personal-kari' }, holdUntil: iso, transactionId: `tx-${n}`, history: [{ at, actor: { id: 'aad-kari', name: 'Kari Veileder' }, action: 'forespurt' }, ...(state === 'bekreftet' ? [{ at, actor: { id: 'c', name: counsellor.name }, action: 'bekreftet' as const }] : [])], createdAt: at, updatedAt: at };
    };
    const counsellors = (await import('../../src/booking/counsellors.js'));
    const [c1, c2] = (await counsellors.loadCounsellors(counsellors.DEMO_COUNSELLORS_FILE)).map((c) => ({ mailbox: c.mailbox, name: c.name }));
    await h.app.store.createBooking(2026, (n) => booking(n, 'bekreftet', 7, c1), 0);
    await h.app.store.createBooking(2026, (n) => booking(n, 'holdt', 8, c2), 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo', acceptDownloads: true, bypassCSP: true });
    context.setDefaultTimeout(UI_TIMEOUT);
    page = await context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true }); // a fresh clone has none yet, when this file runs alone
    for (const f of readdirSync(ARTIFACTS, { withFileTypes: true }).filter((d) => d.name.startsWith('tab-'))) rmSync(join(ARTIFACTS, f.name), { force: true });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await page.screenshot({ path: join(ARTIFACTS, `tab-failure-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await entra?.close();
  });

  it('signs in with Teams SSO inside the host, shows the queue, and filters change what is shown', async () => {
    const tab = await openInHost('/tab?view=saker');
    await tab.getByText('Innlogget som Eva Eier').waitFor();
    const rows = tab.locator('#saker-tabell tbody tr');
    await eventually('three tickets', async () => ((await rows.count()) === 3 ? true : undefined));
    await tab.getByLabel('Seksjon').selectOption('eksamen');
    await eventually('one eksamen ticket', async () => ((await rows.count()) === 1 ? true : undefined));
    assert.match(await rows.first().innerText(), /NAV Dalheim/);
    await tab.getByLabel('Seksjon').selectOption('');
    await eventually('all three again', async () => ((await rows.count()) === 3 ? true : undefined));
    const log = await page.evaluate(() => (window as unknown as { hostLog: { func: string }[] }).hostLog.map((m) => m.func));
    for (const f of ['initialize', 'getContext', 'authentication.getAuthToken']) assert.ok(log.includes(f), `${f} in ${log.join(',')}`);
    await shot('saker');
    assert.deepEqual(await axe(tabFrame()), []);
  });

  it('"Ta saken" in the tab changes the card in the channel; the history shows it', async () => {
    const tab = page.frameLocator('#tab');
    const id = ticketIds[0];
    await tab.getByRole('button', { name: `Åpne ${id}` }).click();
    await tab.getByRole('heading', { name: new RegExp(id) }).waitFor();
    const from = h.sent.length;
    await tab.getByRole('button', { name: 'Ta saken' }).click();
    await tab.getByText(`Saken ${id} er oppdatert`).waitFor();
    const update = await h.waitForSent((s) => s.method === 'PUT' && s.conversationId.startsWith(CHANNEL) && JSON.stringify(cardOf(s) ?? {}).includes('Eva Eier'), from, 10_000);
    assert.match(JSON.stringify(cardOf(update)), /Tatt/);
    assert.match(await tab.locator('.history').innerText(), /Eva Eier: tatt/);
    await tab.getByLabel('Svar til veilederen').fill('Ja, med fem års allsidig praksis kan bruker gå opp som praksiskandidat. Se fjordvik.no/fagopplaering.');
    await tab.getByRole('button', { name: 'Send svar' }).click();
    await tab.getByText('Besvart', { exact: true }).first().waitFor();
    await h.waitForSent((s) => s.conversationId === 'a:personal-kari' && JSON.stringify(s.activity).includes('praksiskandidat'), from, 10_000);
    await shot('sak');
    assert.deepEqual(await axe(tabFrame()), []);
  });

  it('shows statistics that match the seeded data, with "<5", and downloads a table as CSV', async () => {
    const tab = page.frameLocator('#tab');
    await tab.getByRole('tab', { name: 'Statistikk' }).click();
    await tab.locator('#nokkeltall').waitFor();
    assert.match(await tab.locator('#nokkeltall').innerText(), /14\s+Spørsmål/);
    assert.match(await tab.locator('#nokkeltall').innerText(), /71 %\s+Andel besvart/);
    const row = await tab.locator('#tabell-sporsmal tbody tr').last().locator('th, td').allInnerTexts();
    assert.deepEqual(row.slice(1, 9), ['14', '10', '0', '<5', '<5', '71 %', '6', '0']);
    // Three unanswered in the topic: "<5" and no example question next to it (that could single out a bruker).
    assert.match(await tab.locator('#tabell-ubesvart').innerText(), /<5\s+–/);
    assert.doesNotMatch(await tab.locator('#stat-ubesvart').innerText(), /Polen/);
    assert.match(await tab.locator('#tabell-kontorer').innerText(), /NAV Fjordvik\s+13\s+<5/);
    assert.equal(await tab.locator('#stat-sporsmal canvas').count(), 1, 'a chart');
    await page.evaluate(() => window.scrollTo(0, 0));
    await tabFrame().evaluate(() => window.scrollTo(0, 0));
    await shot('statistikk');
    const download = page.waitForEvent('download');
    await tab.getByRole('button', { name: 'Last ned CSV: Aktivitet per NAV-kontor' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'statistikk-kontorer.csv');
    const csv = readFileSync((await file.path())!, 'utf8');
    assert.match(csv, /^\uFEFFNAV-kontor;Spørsmål;Saker\r\n/);
    assert.match(csv, /NAV Fjordvik;13;<5\r\n/);
    assert.deepEqual(await axe(tabFrame()), []);
  });

  it('follows Teams into the dark theme, still readable (contrast checked by axe)', async () => {
    await page.evaluate(() => (window as unknown as { sendToTab: (f: string, a: unknown[]) => void }).sendToTab('themeChange', ['dark']));
    const frame = tabFrame();
    await eventually('dark theme', async () => ((await frame.evaluate(() => document.body.dataset.theme)) === 'dark' ? true : undefined));
    await page.frameLocator('#tab').locator('#nokkeltall').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await tabFrame().evaluate(() => window.scrollTo(0, 0));
    assert.equal(await frame.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(31, 31, 31)');
    await shot('statistikk-mork');
    assert.deepEqual(await axe(frame), []);
  });

  it('lists bookings per counsellor with state, and filters them', async () => {
    const tab = page.frameLocator('#tab');
    await tab.getByRole('tab', { name: 'Bookinger' }).click();
    const rows = tab.locator('#bookinger-tabell tbody tr');
    await eventually('two bookings', async () => ((await rows.count()) === 2 ? true : undefined));
    await tab.getByLabel('Status').selectOption('bekreftet');
    await eventually('one confirmed', async () => ((await rows.count()) === 1 ? true : undefined));
    assert.match(await rows.first().innerText(), /Bekreftet/);
    assert.match(await rows.first().innerText(), /Karriereveiledning/, 'topics by their names, not their keys');
    assert.doesNotMatch(await tab.locator('main').innerText(), /karriereveiledning|fagopplaering/);
    assert.deepEqual(await axe(tabFrame()), []);
    await tab.getByLabel('Tidsrom').selectOption('tidligere');
    await tab.getByText('Ingen samtaler passer filteret.').waitFor();
  });

  it('gives admins the settings: channels, counsellors, when Veiviser answers, and "Oppdater nå" with progress and a report', async () => {
    const tab = page.frameLocator('#tab');
    await tab.getByRole('tab', { name: 'Innstillinger' }).click();
    await tab.getByRole('heading', { name: 'Eskaleringskanaler' }).waitFor();
    assert.match(await tab.locator('main').innerText(), /Utdanningsteamet\s+Fagopplæring/);
    // The decision in words an admin can act on: when it was fitted, and its cut-offs as percentages.
    await tab.getByRole('heading', { name: 'Når Veiviser svarer' }).waitFor();
    assert.match(await tab.locator('#beslutning').innerText(), /Sist tilpasset\s+.*testspørsmål fra \d+ fylkesnettsteder[\s\S]*minst \d+ %/);
    await tab.getByRole('button', { name: 'Oppdater nå' }).click();
    await tab.getByText(/Siste henting ferdig/).waitFor({ timeout: 30_000 });
    assert.match(await tab.locator('#crawl-rapport').innerText(), /Hentet\s+\d{2}/);
    await shot('innstillinger');
    assert.deepEqual(await axe(tabFrame()), []);
    // Keyboard: arrows move between the views.
    await tab.getByRole('tab', { name: 'Innstillinger' }).focus();
    await page.keyboard.press('Home');
    await eventually('Saker selected', async () => ((await tab.getByRole('tab', { name: 'Saker' }).getAttribute('aria-selected')) === 'true' ? true : undefined));
  });

  it('shows a leader statistics only, and a veileder only her own tickets', async () => {
    let tab = await openInHost('/tab?view=saker', 'default', await entra.token({ oid: 'aad-lena', name: 'Lena Leder', groups: ['grp-ledere'] }));
    await tab.getByText('Innlogget som Lena Leder (leder)').waitFor();
    assert.deepEqual(await tab.getByRole('tab').allInnerTexts(), ['Statistikk']);
    await tab.locator('#nokkeltall').waitFor();
    tab = await openInHost('/tab', 'default', await entra.token({ oid: 'aad-kari', name: 'Kari Veileder' }));
    await tab.locator('#mine-saker').waitFor();
    assert.deepEqual(await tab.getByRole('tab').allInnerTexts(), ['Mine saker']);
    assert.equal(await tab.locator('#mine-saker tbody tr').count(), 3);
    assert.match(await tab.locator('#mine-saker').innerText(), /Besvart.*praksiskandidat.*— Eva Eier/s);
    await shot('mine');
    assert.deepEqual(await axe(tabFrame()), []);
    // Her held talk, cancelled from the tab through the same command as the card: a confirm step first.
    const held = (await h.app.store.listBookings()).find((b) => b.state === 'holdt')!;
    await tab.getByRole('button', { name: `Avlys ${held.id}` }).click();
    await tab.getByRole('heading', { name: `Avlyse trepartssamtalen ${held.id}?` }).waitFor();
    await tab.getByLabel('Kommentar (valgfritt)').fill('Bruker har fått lærlingplass.');
    await shot('mine-avlys');
    assert.deepEqual(await axe(tabFrame()), []);
    await tab.getByRole('button', { name: 'Avlys samtalen' }).click();
    await tab.getByText(`Trepartssamtalen ${held.id} er avlyst. Rådgiveren får beskjed.`).waitFor();
    assert.equal((await h.app.store.getBooking(held.id))?.state, 'avlyst');
    assert.match(await tab.locator('#mine-samtaler').innerText(), /Avlyst/);
    assert.equal(await tab.getByRole('button', { name: `Avlys ${held.id}` }).count(), 0, 'nothing left to cancel on it');
  });

  it('configures the channel tab: valid at once, and saves a content URL on the app', async () => {
    const tab = await openInHost('/tab?mode=config');
    await tab.getByLabel('Startvisning').selectOption('statistikk');
    await eventually('validity sent', async () => (await page.evaluate(() => (window as unknown as { hostLog: { func: string; args: unknown[] }[] }).hostLog.some((m) => m.func === 'settings.setValidityState' && m.args[0] === true))) || undefined);
    await page.evaluate(() => (window as unknown as { sendToTab: (f: string, a: unknown[]) => void }).sendToTab('settings.save', [{}]));
    const saved = await eventually('settings saved', async () => page.evaluate(() => {
      const log = (window as unknown as { hostLog: { func: string; args: unknown[] }[] }).hostLog;
      const set = log.find((m) => m.func === 'settings.setSettings');
      return set && log.some((m) => m.func === 'settings.save.success') ? JSON.stringify(set.args) : undefined;
    }));
    assert.match(saved, /\/tab\?view=statistikk/);
    await shot('konfigurasjon');
  });

  it('outside Teams: says it is in local mode and offers the development login', async () => {
    const local = await context.newPage();
    // Nothing a newcomer reads as a fault before signing in: no console errors, no failed requests.
    const problems: string[] = [];
    local.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    local.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
    // teams-js asks Microsoft's CDN for the valid Teams domains when it loads; this machine is offline, so the CDN is played here.
    await local.route('https://res.cdn.office.net/**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ validOrigins: [] }) }));
    try {
      const page = await local.goto(`${h.app.url}/tab`);
      // Inside Teams, teams-js fetches the valid host domains from Microsoft's CDN: allowed by the CSP.
      assert.match(page?.headers()['content-security-policy'] ?? '', /connect-src 'self' https:\/\/res\.cdn\.office\.net;/);
      await local.locator('#lokal-modus').waitFor();
      await local.getByRole('button', { name: 'Logg inn' }).waitFor();
      assert.deepEqual(problems, [], 'no errors before sign-in');
      assert.match(await local.locator('#lokal-modus').innerText(), /Lokal modus.*utenfor Teams/);
      await local.getByLabel('Navn').fill('Lena Leder');
      await local.getByLabel('Rolle').selectOption('leder');
      await local.getByRole('button', { name: 'Logg inn' }).click();
      await local.getByText('Innlogget som Lena Leder (leder)').waitFor();
      assert.deepEqual(await local.getByRole('tab').allInnerTexts(), ['Statistikk'], 'a leader sees statistics only');
      await local.getByRole('button', { name: 'Logg ut' }).click();
      await local.getByLabel('Rolle').selectOption('team');
      await local.getByRole('button', { name: 'Logg inn' }).click();
      await local.locator('#saker-tabell').waitFor();
      assert.deepEqual(await local.getByRole('tab').allInnerTexts(), ['Saker', 'Bookinger', 'Statistikk']);
      // A local veileder with no tickets is told why the tickets sent from the playground are not hers here.
      await local.getByRole('button', { name: 'Logg ut' }).click();
      await local.getByLabel('Navn').fill('Vera Veileder');
      await local.getByLabel('Rolle').selectOption('veileder');
      await local.getByRole('button', { name: 'Logg inn' }).click();
      await local.locator('#lokal-annen-bruker').waitFor();
      assert.match(await local.locator('#lokal-annen-bruker').innerText(), /annen bruker her enn i Playground/);
      await local.getByRole('button', { name: 'Logg ut' }).click();
      await local.getByLabel('Rolle').selectOption('team');
      await local.getByRole('button', { name: 'Logg inn' }).click();
      await local.locator('#saker-tabell').waitFor();
      await shot('lokal', local);
      assert.deepEqual(await axe(local.mainFrame()), []);
    } finally {
      await local.close();
    }
  });
});
