/**
 * End to end, the ticket (escalation) flow through a Teams mock: the real app (in-process, port 0,
 * temp data dir, bundled demo county site, outbox polling every 100 ms) + the Microsoft 365 Agents
 * Playground (pinned @microsoft/m365agentsplayground, offline, Veiviser's test tenant) + its web UI
 * in headless Debian Chromium (playwright-core).
 *
 * The playground has one current user, Kari Nordmann. She plays the veileder in personal chat and
 * the team member in the channel of "Utdanningsteamet" (she is on the roster the playground
 * returns to TeamsInfo). Opening the team's General channel makes the playground send "bot added"
 * for the team, which makes General the default escalation channel. Then:
 *  1. personal chat: "spør teamet …" → the form card, prefilled; without consent it does not send;
 *     with consent and topic Fagopplæring, "Send til teamet" → confirmation with UT-YYYY-0001;
 *  2. General: the ticket card posted by the bot (outbox) → "Ta saken" (owner on the card) →
 *     "Svar", type, "Send svaret";
 *  3. personal chat: the proactive "Utdanningsteamet har svart …" with the answer → "Løst, takk";
 *     the channel card is updated in place to Lukket; the store holds opprettet → tatt → besvart → lost.
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium): without it the suite is skipped, or
 * fails when CI=true. Screenshots go to test-artifacts/tickets-*.png (gitignored); the three the
 * README uses are copied to test/screenshots/ (with UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Page } from 'playwright-core';
import { type App } from '../../src/app.js';
import { type Playground } from '../../src/cli/playground.js';
import { ARTIFACTS, eventually, requireChromium, startPlaygroundSession, type PlaygroundSession } from '../helpers/e2e.js';

const DOCS_SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
/** From test/fixtures/playground/.m365agentsplayground.yml. */
const TENANT_ID = '00000000-0000-4000-8000-00000000f00d';
const KARI = { name: 'Kari Nordmann', aadObjectId: '00000000-0000-4000-8000-0000000000a1' };
const TEAM_ID = 'team-utdanningsteamet';
const PERSONAL_CHAT_ID = 'personal-kari-veiviser';

const QUESTION = 'Kan bruker (34) ta fagbrev på jobb uten læreplass?';
const OFFICE = 'NAV Lillestrøm';
const ANSWER = 'Ja, som praksiskandidat: med fem års allsidig praksis i faget kan bruker ta fagprøven uten læreplass. Start med en realkompetansevurdering.';

describe('e2e: ticket flow in the Microsoft 365 Agents Playground (Teams mock) + headless Chromium', function () {
  this.timeout(120_000);

  let session: PlaygroundSession | undefined;
  let app: App | undefined;
  let playground: Playground | undefined;
  let page: Page | undefined;
  let logs: string[] = [];

  before(async function () {
    requireChromium(this, 'tickets playground e2e');
    session = await startPlaygroundSession({ prefix: 'tickets', env: { OUTBOX_POLL_MS: '100', ALLOWED_TENANT_IDS: TENANT_ID }, keepLogs: true });
    ({ app, playground, page, logs } = session);
  });

  afterEach(async function () {
    // Evidence for CI: what the UI showed, what the playground logged, what the bot logged.
    if (this.currentTest?.state === 'failed') await session?.saveFailure();
  });

  after(async function () {
    this.timeout(30_000);
    await session?.stop();
  });

  it('escalates from personal chat, is taken and answered in the team channel, and the answer reaches the veileder', async function () {
    const p = page!;
    const store = app!.store;
    const { shot, shots } = session!;
    const cards = p.locator('.ac-adaptiveCard');
    const openChannel = () => p.getByText('General', { exact: true }).first().click();
    const openPersonalChat = () => p.getByText('Personal Chat', { exact: true }).first().click();

    await p.goto(`${playground!.url}/`, { waitUntil: 'domcontentloaded' });

    // 0. Opening the team's General channel: the playground sends "bot added" for the team, and
    //    General becomes the default escalation channel (before any ticket is created).
    await openChannel();
    const [channel] = await eventually('the default escalation channel after "bot added"', async () => {
      const list = await store.listEscalationChannels();
      return list.length ? list : undefined;
    });
    assert.equal(channel.teamId, TEAM_ID);
    assert.equal(channel.channelName, 'General');
    assert.deepEqual(channel.sections, [], 'the default channel takes every section');

    // 1. Personal chat: "spør teamet …" → the form, prefilled with the question.
    await openPersonalChat();
    const box = p.locator('[role=textbox]').first();
    await box.click();
    await box.pressSequentially(`spør teamet ${QUESTION}`);
    await p.keyboard.press('Enter');
    const form = cards.filter({ hasText: 'Send saken til utdanningsteamet' }).last();
    await form.waitFor();
    assert.equal(await form.getByRole('textbox', { name: /Spørsmålet/ }).inputValue(), QUESTION, 'the form is prefilled with the question');
    await form.getByText(/Skriv ikke navn, fødselsnummer/).waitFor(); // the privacy notice
    const consent = form.getByRole('checkbox', { name: /Bruker har samtykket til at saken drøftes i utdanningsteamet/ });
    assert.equal(await consent.isChecked(), false, 'consent is not given in advance');

    await form.getByPlaceholder('Velg tema').click();
    await p.getByRole('option', { name: 'Fagopplæring', exact: true }).click();
    // Without consent the form does not send (checked by the card renderer or by the bot: same text).
    await form.getByRole('button', { name: 'Send til teamet', exact: true }).click();
    await cards.filter({ hasText: 'Saken kan bare sendes når bruker har samtykket' }).last().waitFor();
    assert.equal((await store.listTickets()).length, 0, 'no ticket without consent');

    // The situation (optional) and the office make the channel card tell more.
    const form2 = cards.filter({ hasText: 'Send saken til utdanningsteamet' }).last();
    if ((await form2.getByPlaceholder('Velg tema').inputValue()) !== 'Fagopplæring') {
      // The bot answered with a fresh form (its consent error): choose the topic again.
      await form2.getByPlaceholder('Velg tema').click();
      await p.getByRole('option', { name: 'Fagopplæring', exact: true }).click();
    }
    await form2.getByRole('combobox', { name: /Aldersgruppe/ }).click();
    await p.getByRole('option', { name: '25 eller eldre', exact: true }).click();
    await form2.getByPlaceholder(/NAV Lillestrøm/).fill(OFFICE);
    await form2.getByRole('checkbox', { name: /Bruker har samtykket/ }).check();
    await shot('1-form', form2.getByRole('button', { name: 'Send til teamet', exact: true }));
    await form2.getByRole('button', { name: 'Send til teamet', exact: true }).click();

    const confirmation = cards.filter({ hasText: /Du får svaret her i chatten, og dette kortet viser hvordan det går med saken\./ }).last();
    await confirmation.waitFor();
    const [created] = await store.listTickets();
    assert.ok(created, 'the ticket is stored');
    const id = created.id;
    assert.match(id, new RegExp(`^UT-${created.year}-0001$`));
    assert.equal(created.year, Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Europe/Oslo' }).format(new Date(created.createdAt))));
    assert.equal(created.state, 'ny');
    assert.equal(created.section, 'fagopplaering');
    assert.equal(created.question, QUESTION);
    assert.equal(created.situation.ageBand, '25+');
    assert.equal(created.office, OFFICE);
    assert.equal(created.requester.id, KARI.aadObjectId);
    assert.equal(created.requester.conversationKey, `personal:${PERSONAL_CHAT_ID}`);
    assert.equal(created.channel?.conversationKey, channel.conversationKey, 'routed to the default channel');
    await confirmation.getByRole('heading', { name: `Saken din ${id} · Ny` }).waitFor();
    await shot('2-confirmation', confirmation);

    // 2. The team channel: the bot posted the ticket's card (through the outbox).
    await openChannel();
    const ticketCard = cards.filter({ has: p.getByRole('heading', { name: new RegExp(`^${id} · Fagopplæring · `) }) }).last();
    await ticketCard.getByRole('heading', { name: `${id} · Fagopplæring · Ny` }).waitFor();
    await ticketCard.getByText(QUESTION, { exact: true }).waitFor();
    await ticketCard.getByText(OFFICE, { exact: true }).waitFor();
    await ticketCard.getByText('25 eller eldre', { exact: true }).waitFor();
    await ticketCard.getByText('Ingen ennå', { exact: true }).waitFor(); // Ansvarlig
    await shot('3-channel-card', ticketCard);

    // "Ta saken": the card (returned by the invoke, and updated in place by the outbox) shows the owner.
    await ticketCard.getByRole('button', { name: 'Ta saken', exact: true }).click();
    await ticketCard.getByRole('heading', { name: `${id} · Fagopplæring · Tatt` }).waitFor();
    await ticketCard.locator('.ac-richTextBlock').filter({ hasText: `Ansvarlig: ${KARI.name}` }).waitFor();
    await ticketCard.getByText(`${KARI.name} tok saken`).waitFor(); // the short history
    assert.equal(await ticketCard.getByRole('button', { name: 'Ta saken', exact: true }).count(), 0, '"Ta saken" is gone once taken');
    assert.equal((await store.getTicket(id))?.owner?.name, KARI.name);
    await shot('4-taken', ticketCard);

    // "Svar": the answer form opens under the card; write and send.
    await ticketCard.getByRole('button', { name: 'Svar', exact: true }).click();
    const answerBox = ticketCard.getByPlaceholder(/Svaret går til veilederen i personlig chat/);
    await answerBox.fill(ANSWER);
    await shot('5-answer-form', ticketCard.getByRole('button', { name: 'Send svaret', exact: true }));
    await ticketCard.getByRole('button', { name: 'Send svaret', exact: true }).click();
    await ticketCard.getByRole('heading', { name: `${id} · Fagopplæring · Besvart` }).waitFor();
    await ticketCard.getByText(ANSWER, { exact: true }).waitFor();
    await ticketCard.getByText(new RegExp(`^Svar fra ${KARI.name}, `)).waitFor();
    await ticketCard.getByRole('button', { name: 'Lagre svaret som FAQ', exact: true }).waitFor();
    assert.equal((await store.getTicket(id))?.state, 'besvart');
    await shot('6-channel-answered', ticketCard);

    // 3. Back in personal chat: the proactive message with the answer.
    await openPersonalChat();
    await p.getByRole('paragraph').filter({ hasText: `Utdanningsteamet har svart på saken din ${id}.` }).first().waitFor();
    const answered = cards.filter({ has: p.getByRole('heading', { name: `Saken din ${id} · Besvart` }) }).last();
    await answered.waitFor();
    await answered.getByText(ANSWER, { exact: true }).waitFor();
    await answered.getByText(new RegExp(`^Svar fra ${KARI.name}, utdanningsteamet, `)).waitFor();
    await answered.getByRole('button', { name: 'Trenger mer hjelp', exact: true }).waitFor();
    await shot('7-veileder-answer', answered);

    await answered.getByRole('button', { name: 'Løst, takk', exact: true }).click();
    const closedCard = cards.filter({ has: p.getByRole('heading', { name: `Saken din ${id} · Lukket` }) }).last();
    await closedCard.waitFor();
    await closedCard.getByText('Saken er lukket.', { exact: true }).waitFor();
    assert.equal(await closedCard.getByRole('button', { name: 'Løst, takk', exact: true }).count(), 0, '"Løst, takk" is gone');
    await shot('8-resolved', closedCard);

    // The store: the whole history, each step by Kari.
    const done = await store.getTicket(id);
    assert.ok(done);
    assert.equal(done.state, 'lukket');
    assert.deepEqual(done.history.map((e) => e.action), ['opprettet', 'tatt', 'besvart', 'lost']);
    assert.deepEqual(done.history.map((e) => e.actor.name), [KARI.name, KARI.name, KARI.name, KARI.name]);
    assert.equal(done.answer?.text, ANSWER);
    assert.equal(done.owner?.name, KARI.name);

    // Every outgoing message was delivered: the card posted once and updated in place (take,
    // answer, solved), and the answer posted to the veileder.
    const outbox = await eventually('the outbox delivering everything', async () => {
      const all = (await store.listOutbox()).filter((m) => m.ticketId === id);
      return all.length >= 5 && all.every((m) => m.status === 'sent' || m.status === 'failed') ? all : undefined;
    });
    assert.deepEqual(outbox.filter((m) => m.status !== 'sent').map((m) => `${m.kind} ${m.conversationKey}: ${m.status} ${m.lastError ?? ''}`), []);
    const toChannel = outbox.filter((m) => m.conversationKey === channel.conversationKey);
    assert.deepEqual(toChannel.map((m) => m.kind).sort(), ['post', 'update', 'update', 'update']);
    // To the veileder: the confirmation card that replaced the form (recorded as already shown, so
    // later updates can reach it), the answer posted, and the confirmation card updated on every change.
    const toVeileder = outbox.filter((m) => m.conversationKey === done.requester.conversationKey);
    assert.deepEqual(toVeileder.filter((m) => m.kind === 'post').map((m) => [m.card, m.attempts > 0]), [['veileder', false], ['veileder', true]]);
    assert.equal(toVeileder[0].deliveredActivityId, done.requester.cardActivityId);
    const updates = toVeileder.filter((m) => m.kind === 'update');
    assert.ok(updates.length >= 2 && updates.every((m) => m.replaces === toVeileder[0].id), 'the veileder\'s own card follows the ticket');
    assert.ok(done.requester.cardActivityId, 'the playground sends the form\'s message id with the action');

    // The channel card itself (one card, updated in place) now says Lukket.
    await openChannel();
    const channelCards = cards.filter({ has: p.getByRole('heading', { name: new RegExp(`^${id} · `) }) });
    await channelCards.getByRole('heading', { name: `${id} · Fagopplæring · Lukket` }).waitFor();
    await channelCards.getByText(`${KARI.name} markerte saken som løst`).waitFor();
    assert.equal(await channelCards.count(), 1, 'one card per ticket in the channel');

    // The bot logged no errors, rejected no action, retried no delivery.
    const bad = logs.filter((l) => {
      const e = JSON.parse(l) as { level: number; event?: string };
      return e.level >= 50 || ['turn_error', 'tenant_rejected', 'card_action_rejected', 'roster_unavailable', 'outbox_retry', 'outbox_failed'].includes(e.event ?? '');
    });
    assert.deepEqual(bad, [], 'no errors or rejections in the bot log');

    // The three that tell the story go to the README — only when asked (UPDATE_SCREENSHOTS=1),
    // so that an ordinary test run leaves the work tree as it was.
    if (process.env.UPDATE_SCREENSHOTS !== '1') return;
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(shots['1-form'], join(DOCS_SCREENSHOTS, 'tickets-form.png'));
    copyFileSync(shots['6-channel-answered'], join(DOCS_SCREENSHOTS, 'tickets-channel-answered.png'));
    copyFileSync(shots['7-veileder-answer'], join(DOCS_SCREENSHOTS, 'tickets-veileder-answer.png'));
  });

  it('then shows a newcomer the ticket and real statistics in the tab (local mode, outside Teams)', async function () {
    const tab = await session!.context.newPage();
    try {
      await tab.goto(`${app!.url}/tab`);
      await tab.locator('#lokal-modus').waitFor();
      await tab.getByLabel('Navn').fill('Nina Nykommer');
      await tab.getByLabel('Rolle').selectOption('admin');
      await tab.getByRole('button', { name: 'Logg inn' }).click();
      await tab.getByLabel('Status').waitFor();
      await tab.getByLabel('Status').selectOption('alle');
      const [ticket] = await app!.store.listTickets();
      const row = tab.locator('#saker-tabell tbody tr', { hasText: ticket.id });
      await row.waitFor();
      assert.match(await row.innerText(), /Lukket\s+Fagopplæring/);
      await tab.getByRole('tab', { name: 'Statistikk' }).click();
      await tab.locator('#nokkeltall').waitFor();
      const { suppress } = await import('../../src/stats/statistics.js');
      const asked = (await app!.store.listQuestions()).length;
      assert.match(await tab.locator('#nokkeltall').innerText(), new RegExp(`^${suppress(asked).replace('<', '\\<')}\\s+Spørsmål`));
      assert.match(await tab.locator('#tabell-saker tbody').innerText(), /<5/, 'one ticket, shown as <5');
      await tab.screenshot({ path: join(ARTIFACTS, 'tickets-8-tab.png') });
    } finally {
      await tab.close();
    }
  });
});
