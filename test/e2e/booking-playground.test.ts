/**
 * End to end, booking a three-way talk (trepartssamtale) through a Teams mock: the real app
 * (in-process, port 0, temp data dir, bundled demo county site, the embedded calendar seeded with
 * the demo counsellors, outbox polling every 100 ms) + the Microsoft 365 Agents Playground (pinned
 * @microsoft/m365agentsplayground, offline, Veiviser's test tenant) + its web UI in headless
 * Debian Chromium (playwright-core).
 *
 * The playground has one current user, Kari Nordmann. She plays the veileder and the counsellor:
 * the app runs in local mode (no bot credentials), where "jeg er rådgiver <navn>" is trusted.
 *  1. personal chat: "book" → the form; initials AB, region Nordfjord, Teams, Karriereveiledning;
 *     "Finn ledige tider" → 3–5 slots ("<tid> – <rådgiver>") on different days from the counsellors
 *     who serve Nordfjord on Teams; "Andre tider" → new times;
 *  2. "jeg er rådgiver <the first slot's counsellor>" links Kari to that counsellor; pressing the
 *     slot holds it ("Venter på svar fra rådgiveren") and the request card (with "Godta") arrives
 *     in the same chat through the outbox;
 *  3. "Godta" → the event is created in the counsellor's embedded calendar, and the confirmation
 *     "Trepartssamtalen TS-… er bekreftet." arrives with "Bli med i Teams-møtet" and a signed
 *     "Kalenderfil (.ics) til brukeren" link, which serves text/calendar.
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium): without it the suite is skipped, or
 * fails when CI=true. Screenshots go to test-artifacts/booking-*.png (gitignored); the two the
 * README uses are copied to test/screenshots/ (with UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Locator, type Page } from 'playwright-core';
import { type App } from '../../src/app.js';
import { DEMO_COUNSELLORS_FILE, loadCounsellors, matchCounsellors } from '../../src/booking/counsellors.js';
import { formatSlotTime } from '../../src/booking/slot-finder.js';
import { DEMO_JOIN_URL_PREFIX } from '../../src/calendar/embedded-calendar.js';
import { type Playground } from '../../src/cli/playground.js';
import { eventually, requireChromium, startPlaygroundSession, type PlaygroundSession } from '../helpers/e2e.js';

const DOCS_SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
/** From test/fixtures/playground/.m365agentsplayground.yml. */
const TENANT_ID = '00000000-0000-4000-8000-00000000f00d';
const KARI = { name: 'Kari Nordmann', aadObjectId: '00000000-0000-4000-8000-0000000000a1' };
const PERSONAL_CHAT_ID = 'personal-kari-veiviser';

const ALIAS = 'AB';
const REGION = 'Nordfjord';
const SUBJECT = 'Trepartssamtale – karriereveiledning';
/** The slot buttons' titles: "<Ukedag d. måned kl. HH.mm> – <rådgiver>". */
const SLOT_TITLE = /^(\S+dag \d{1,2}\. \S+ kl\. \d{2}\.\d{2}) – (.+)$/;

describe('e2e: booking flow in the Microsoft 365 Agents Playground (Teams mock) + headless Chromium', function () {
  this.timeout(120_000);

  let session: PlaygroundSession | undefined;
  let app: App | undefined;
  let playground: Playground | undefined;
  let page: Page | undefined;
  let logs: string[] = [];

  before(async function () {
    requireChromium(this, 'booking playground e2e');
    session = await startPlaygroundSession({ prefix: 'booking', env: { OUTBOX_POLL_MS: '100', ALLOWED_TENANT_IDS: TENANT_ID }, keepLogs: true });
    ({ app, playground, page, logs } = session);
    assert.equal(session.config.bot, undefined, 'local mode (no bot credentials): "jeg er rådgiver" is trusted');
  });

  afterEach(async function () {
    // Evidence for CI: what the UI showed, what the playground logged, what the bot logged.
    if (this.currentTest?.state === 'failed') await session?.saveFailure();
  });

  after(async function () {
    this.timeout(30_000);
    await session?.stop();
  });

  it('books a talk from personal chat: form, slots, "Andre tider", request to the counsellor, "Godta", confirmation with join link and .ics', async function () {
    const p = page!;
    const store = app!.store;
    const { shot, shots } = session!;
    const cards = p.locator('.ac-adaptiveCard');
    /** A text message in the chat (not the conversation list's preview of the last one). */
    const message = (text: string): Locator => p.getByRole('paragraph').filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
    // The counsellors who serve Nordfjord on Teams with career guidance (the demo directory).
    const eligible = matchCounsellors(await loadCounsellors(DEMO_COUNSELLORS_FILE), { region: REGION, format: 'teams', topic: 'karriereveiledning' });
    assert.ok(eligible.length >= 2, 'the demo directory has several counsellors for Nordfjord on Teams');
    const eligibleNames = eligible.map((c) => c.name);

    await p.goto(`${playground!.url}/`, { waitUntil: 'domcontentloaded' });
    await p.getByText('Personal Chat', { exact: true }).first().click();
    const box = p.locator('[role=textbox]').first();
    const say = async (text: string): Promise<void> => {
      await box.click();
      await box.pressSequentially(text);
      await p.keyboard.press('Enter');
    };

    // 1. "book" → the form.
    await say('book');
    const form = cards.filter({ has: p.getByRole('heading', { name: 'Bestill en trepartssamtale' }) }).last();
    await form.waitFor();
    await form.getByText(/aldri fullt navn eller fødselsnummer/).waitFor(); // the privacy notice
    const choose = async (label: string, option: string): Promise<void> => {
      await form.getByRole('combobox', { name: label, exact: true }).click();
      await p.getByRole('option', { name: option, exact: true }).click();
      assert.equal(await form.getByRole('combobox', { name: label, exact: true }).inputValue(), option, `${label}: ${option}`);
    };
    await form.getByRole('textbox', { name: 'Brukerens initialer eller kallenavn' }).fill(ALIAS);
    await choose('Region', REGION);
    await choose('Form', 'Teams');
    await choose('Tema', 'Karriereveiledning');
    assert.equal(await form.getByRole('spinbutton', { name: 'Varighet (minutter)' }).inputValue(), '45', 'default duration 45 min');
    assert.equal(await form.getByRole('checkbox', { name: /Veilederen er med/ }).isChecked(), true, 'the veileder joins by default');
    await shot('1-form', form.getByRole('button', { name: 'Finn ledige tider', exact: true }));
    await form.getByRole('button', { name: 'Finn ledige tider', exact: true }).click();

    // The form is replaced by the suggested slots: 3–5 buttons "<tid> – <rådgiver>" on different days.
    const slotsCard = cards.filter({ has: p.getByRole('heading', { name: 'Ledige tider' }) }).last();
    await slotsCard.getByRole('button', { name: 'Andre tider', exact: true }).waitFor();
    await slotsCard.getByText('Velg en tid. Tiden holdes for deg mens rådgiveren svarer.').waitFor();
    const slotTitles = async (): Promise<string[]> =>
      (await slotsCard.getByRole('button').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== 'Andre tider');
    const first = await slotTitles();
    assert.ok(first.length >= 3 && first.length <= 5, `3–5 slots (got ${first.length}: ${JSON.stringify(first)})`);
    const parse = (title: string): { time: string; name: string } => {
      const m = SLOT_TITLE.exec(title);
      assert.ok(m, `a slot button reads "<tid> – <rådgiver>" (got ${JSON.stringify(title)})`);
      return { time: m[1], name: m[2] };
    };
    for (const t of first) assert.ok(eligibleNames.includes(parse(t).name), `«${t}»: a counsellor who serves ${REGION} on Teams (${eligibleNames.join(', ')})`);
    const day = (t: string): string => parse(t).time.replace(/ kl\..*$/, '');
    assert.equal(new Set(first.map(day)).size, first.length, `the slots are on different days: ${JSON.stringify(first)}`);
    await shot('2-slots', slotsCard);

    // "Andre tider": the card is replaced by a new set, none of the times shown before.
    await slotsCard.getByRole('button', { name: 'Andre tider', exact: true }).click();
    const second = await eventually('new times after "Andre tider"', async () => {
      const now = await slotTitles();
      return now.length && now.every((t) => !first.includes(t)) ? now : undefined;
    });
    assert.ok(second.length >= 1 && second.length <= 5, `1–5 further slots (got ${JSON.stringify(second)})`);
    for (const t of second) assert.ok(eligibleNames.includes(parse(t).name), `«${t}»: a counsellor who serves ${REGION} on Teams`);
    assert.equal(await slotsCard.count(), 1, '"Andre tider" replaces the card (no second slots card)');
    await shot('3-more-slots', slotsCard);

    // 2. Kari links herself to the counsellor of the slot she will pick.
    const chosen = second[0];
    const { time, name: counsellorName } = parse(chosen);
    const counsellor = eligible.find((c) => c.name === counsellorName)!;
    await say(`jeg er rådgiver ${counsellorName}`);
    await message(`Du er nå registrert som ${counsellorName}. Forespørsler om trepartssamtaler kommer hit.`).waitFor();

    // Pressing the slot holds it; the slots card becomes the veileder's status card.
    await slotsCard.getByRole('button', { name: chosen, exact: true }).click();
    const waiting = cards.filter({ hasText: `Forespørselen er sendt til ${counsellorName}.` }).last();
    await waiting.waitFor();
    await waiting.getByText('Venter på svar fra rådgiveren', { exact: true }).waitFor();
    const bookings = await store.listBookings();
    assert.equal(bookings.length, 1, 'one booking');
    const [held] = bookings;
    const id = held.id;
    assert.match(id, /^TS-\d{4}-\d{4,6}$/);
    assert.equal(held.state, 'holdt');
    assert.equal(held.counsellor.mailbox, counsellor.mailbox);
    assert.equal(held.brukerAlias, ALIAS);
    assert.equal(held.format, 'teams');
    assert.equal(held.topic, 'karriereveiledning');
    assert.equal(held.veilederJoins, true);
    assert.equal((Date.parse(held.end) - Date.parse(held.start)) / 60_000, 45);
    assert.equal(formatSlotTime(new Date(held.start)).replace(/^./, (c) => c.toUpperCase()), time, 'the held time is the one on the button');
    assert.equal(held.veileder.id, KARI.aadObjectId);
    assert.equal(held.veileder.name, KARI.name);
    assert.equal(held.veileder.conversationKey, `personal:${PERSONAL_CHAT_ID}`);
    assert.ok(Date.parse(held.holdUntil) > Date.now(), 'held for the counsellor’s answer');
    await waiting.getByRole('heading', { name: `Trepartssamtale ${id}` }).waitFor();
    await waiting.getByText(ALIAS, { exact: true }).waitFor();
    assert.equal(await waiting.getByRole('button', { name: 'Godta', exact: true }).count(), 0, 'the veileder cannot accept');
    await shot('4-requested', waiting);

    // The request card arrives in the same chat (Kari is the counsellor too), through the outbox.
    await message(`Ny forespørsel om trepartssamtale fra ${KARI.name}.`).waitFor();
    const request = cards.filter({ has: p.getByRole('button', { name: 'Godta', exact: true }) }).last();
    await request.waitFor();
    await request.getByRole('heading', { name: `Trepartssamtale ${id}` }).waitFor();
    await request.getByText('Venter på svar fra rådgiveren', { exact: true }).waitFor();
    await request.getByText(ALIAS, { exact: true }).waitFor();
    await request.getByRole('button', { name: 'Avslå', exact: true }).waitFor();
    await request.getByRole('button', { name: 'Foreslå annen tid', exact: true }).waitFor();
    await shot('5-request', request);

    // 3. "Godta": the event is created; the request card shows Bekreftet; the confirmation arrives.
    await request.getByRole('button', { name: 'Godta', exact: true }).click();
    const accepted = cards.filter({ has: p.getByRole('heading', { name: `Trepartssamtale ${id}` }) }).filter({ hasText: 'Bekreftet' });
    await accepted.first().waitFor();
    assert.equal(await p.getByRole('button', { name: 'Godta', exact: true }).count(), 0, '"Godta" is gone once accepted');

    await message(`Trepartssamtalen ${id} er bekreftet.`).waitFor();
    const icsName = 'Kalenderfil (.ics) til brukeren';
    const confirmation = cards.filter({ has: p.getByRole('link', { name: icsName }) }).last();
    await confirmation.waitFor();
    await confirmation.getByRole('heading', { name: `Trepartssamtale ${id}` }).waitFor();
    await confirmation.getByText('Bekreftet', { exact: true }).waitFor();
    await confirmation.getByText(/^Agenda: veien til målet/).waitFor();
    // The embedded calendar makes no real Teams meeting: the card says so instead of a join button.
    await confirmation.getByText(/^Teams-møtet er bare en demo/).waitFor();
    assert.equal(await confirmation.getByRole('link', { name: 'Bli med i Teams-møtet', exact: true }).count(), 0, 'no join button that opens no meeting');
    await shot('6-confirmed', confirmation);
    // The counsellor's own confirmation ("… lagt i kalenderen din") comes too, without the .ics link.
    await message(`Trepartssamtalen ${id} er bekreftet og lagt i kalenderen din.`).waitFor();
    assert.equal(await cards.filter({ has: p.getByRole('link', { name: icsName }) }).count(), 1, 'the .ics link is on the veileder’s confirmation only');

    // The store: confirmed, and one event in the counsellor's (embedded) calendar.
    const done = await store.getBooking(id);
    assert.ok(done);
    assert.equal(done.state, 'bekreftet');
    assert.deepEqual(done.history.map((e) => e.action), ['forespurt', 'bekreftet']);
    assert.deepEqual(done.history.map((e) => e.actor.name), [KARI.name, KARI.name]);
    assert.equal((await store.listBookings()).filter((b) => b.state === 'bekreftet').length, 1);
    const events = (await store.listCalendarEvents(counsellor.mailbox, new Date(done.start), new Date(done.end))).filter((e) => !e.isCancelled);
    assert.equal(events.length, 1, `one event in ${counsellor.mailbox}'s calendar at the talk's time (got ${JSON.stringify(events.map((e) => e.subject))})`);
    const [event] = events;
    assert.equal(event.subject, SUBJECT);
    assert.equal(event.start, done.start);
    assert.equal(event.end, done.end);
    assert.equal(event.id, done.event?.id);
    assert.ok(!event.subject.includes(ALIAS) && !event.bodyHtml.includes(ALIAS), 'no bruker alias in the calendar event');

    // The event itself carries the embedded calendar's demo join link (a real calendar's would be shown).
    assert.ok(event.joinUrl?.startsWith(DEMO_JOIN_URL_PREFIX), `the demo join link (${event.joinUrl})`);
    assert.equal(event.joinUrl, done.event?.joinUrl);

    // The .ics link: the signed file for a bruker without Teams.
    const icsUrl = await confirmation.getByRole('link', { name: icsName }).getAttribute('title');
    assert.ok(icsUrl, 'the .ics link carries its URL');
    assert.equal(new URL(icsUrl).origin, new URL(app!.url).origin, `the .ics link points at Veiviser (${icsUrl})`);
    assert.match(new URL(icsUrl).pathname, new RegExp(`^/ics/${id}\\.ics$`));
    const res = await fetch(icsUrl, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/calendar/);
    const ics = await res.text();
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.match(ics, new RegExp(`DTSTART:${done.start.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`));
    assert.match(ics, /SUMMARY:Trepartssamtale/);
    assert.ok(!ics.includes(ALIAS), 'no bruker alias in the .ics file');
    assert.ok(!ics.includes(DEMO_JOIN_URL_PREFIX), 'no demo join link in the .ics file');

    // Every outgoing message was delivered: the request, and the two confirmations.
    const outbox = await eventually('the outbox delivering everything', async () => {
      const all = await store.listOutbox();
      return all.length >= 3 && all.every((m) => m.status === 'sent' || m.status === 'failed') ? all : undefined;
    });
    assert.deepEqual(outbox.filter((m) => m.status !== 'sent').map((m) => `${m.kind} ${m.conversationKey}: ${m.status} ${m.lastError ?? ''}`), []);
    assert.deepEqual(outbox.map((m) => m.conversationKey).sort(), [`counsellor:${counsellor.mailbox}`, `counsellor:${counsellor.mailbox}`, `personal:${PERSONAL_CHAT_ID}`].sort());

    // The bot logged no errors, rejected no action, retried no delivery.
    const bad = logs.filter((l) => {
      const e = JSON.parse(l) as { level: number; event?: string };
      return e.level >= 50 || ['turn_error', 'tenant_rejected', 'card_action_rejected', 'counsellor_claim_rejected', 'outbox_retry', 'outbox_failed'].includes(e.event ?? '');
    });
    assert.deepEqual(bad, [], 'no errors or rejections in the bot log');
    const requested = logs.map((l) => JSON.parse(l) as { event?: string; bookingId?: string; counsellorReachable?: boolean }).filter((e) => e.event === 'booking_requested');
    assert.deepEqual(requested.map((e) => [e.bookingId, e.counsellorReachable]), [[id, true]], 'one request, to a counsellor reachable in Teams');

    // The two that tell the story go to the README — only when asked (UPDATE_SCREENSHOTS=1),
    // so that an ordinary test run leaves the work tree as it was.
    if (process.env.UPDATE_SCREENSHOTS !== '1') return;
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(shots['2-slots'], join(DOCS_SCREENSHOTS, 'booking-slots.png'));
    copyFileSync(shots['6-confirmed'], join(DOCS_SCREENSHOTS, 'booking-confirmed.png'));
  });
});
