/**
 * Clients without Universal Actions: every Action.Execute on every card carries an Action.Submit
 * fallback with the same data plus the verb (src/bot/render.ts), and the bot does with that
 * submission (a message whose value carries the verb) what it does with the Execute.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CARD_NAMES, renderCard } from '../../src/bot/cards.js';
import { bookingCard, bookingFormCard, slotsCard, type BookingDraft } from '../../src/bot/booking-cards.js';
import { CARDS_DIR, loadTemplate, TEMPLATE_NAMES, type TemplateName } from '../../src/bot/render.js';
import { escalationFormCard, myTicketsCard, ticketCard, veilederTicketCard } from '../../src/bot/ticket-cards.js';
import { faqTexts } from '../../src/text/faq.nb.js';
import { BOOKING_STATES, type Booking } from '../../src/booking/model.js';
import { STATES, type Ticket, type TicketState } from '../../src/tickets/model.js';
import { cardOf, startHarness, teamsActivity, type Harness, type Sent } from '../helpers/harness.js';

type Card = Record<string, unknown>;
interface Action { type: string; title?: string; verb?: string; style?: string; associatedInputs?: string; data?: Record<string, unknown>; fallback?: Action }

/** Every Action.Execute a user can click (the card's refresh is Teams' own, not a button). */
function executes(card: Card): Action[] {
  const out: Action[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.Execute') out.push(o as unknown as Action);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && k !== 'refresh') walk(v);
  };
  walk(card);
  return out;
}
const fallbackOf = (card: Card | undefined, verb: string): Action | undefined => executes(card ?? {}).find((a) => a.verb === verb)?.fallback;
const verbs = (card: Card | undefined): string[] => executes(card ?? {}).map((a) => a.verb ?? '');

// ---------------------------------------------------------------- representative data

const NOW = new Date('2026-11-21T09:04:00Z');
const people = { veileder: { id: 'aad-vera', name: 'Vera Veileder', conversationKey: 'personal:a:1' }, ola: { id: 'aad-ola', name: 'Ola Rådgiver' }, kari: { id: 'aad-kari', name: 'Kari Nordmann' } };

function ticketIn(state: TicketState): Ticket {
  const at = '2026-11-21T08:52:00Z';
  const answered = state === 'besvart' || state === 'lukket';
  return {
    id: 'UT-2026-0042', year: 2026, number: 42, version: 4, state, section: 'fagopplaering', region: 'Romerike', office: 'NAV Lillestrøm',
    question: 'Kan bruker ta fagbrev som praksiskandidat?', situation: { ageBand: '25+' }, consentAt: at, requester: people.veileder,
    history: [{ at, actor: people.veileder, action: 'opprettet' }], createdAt: at, updatedAt: at,
    ...(state !== 'ny' && state !== 'trukket' ? { owner: { ...people.ola, since: at } } : {}),
    ...(state === 'venter' ? { pendingQuestion: { text: 'Hvor lang praksis?', by: people.ola, at } } : {}),
    ...(answered ? { answer: { text: 'Ja, med 5 års praksis.', by: people.ola, at } } : {}),
  };
}

const draft: BookingDraft = { brukerAlias: 'AB', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: 45, timeOfDay: 'any', veilederJoins: true };
function bookingIn(state: Booking['state']): Booking {
  return {
    id: 'TS-2026-0001', year: 2026, number: 1, version: 2, state, counsellor: { mailbox: 'ingrid@fjordvik.example.no', name: 'Ingrid Solheim' },
    start: '2026-11-24T08:00:00.000Z', end: '2026-11-24T08:45:00.000Z', format: 'teams', topic: 'karriereveiledning', veilederJoins: true, brukerAlias: 'AB',
    veileder: { id: 'aad-kari', name: 'Kari Veileder', conversationKey: 'personal:a:kari' }, holdUntil: '2026-11-21T09:00:00.000Z', transactionId: 't', history: [],
    createdAt: '2026-11-20T09:00:00.000Z', updatedAt: '2026-11-20T09:00:00.000Z',
    ...(state === 'foreslatt' ? { proposed: { start: '2026-11-26T12:00:00.000Z', end: '2026-11-26T12:45:00.000Z' } } : {}),
    ...(state === 'bekreftet' ? { event: { id: 'e1', joinUrl: 'https://teams.microsoft.com/l/meetup-join/x' } } : {}),
  };
}

const faqSample: Record<(typeof CARD_NAMES)[number], Card> = {
  welcome: { ...faqTexts.welcome, contactUrl: 'https://fylke.example.no/kontakt' },
  answer: {
    heading: 'Praksiskandidat', source: faqTexts.answer.source('Fagopplæring'), excerpt: 'Du må ha allsidig praksis.', updated: '', general: faqTexts.answer.general,
    helpfulTitle: faqTexts.answer.helpful, notHelpfulTitle: faqTexts.answer.notHelpful, readMoreTitle: faqTexts.answer.readMore, thanks: faqTexts.answer.thanks, nextStep: faqTexts.answer.nextStep,
    contactTitle: faqTexts.answer.contactTitle, contactUrl: 'https://fylke.example.no/kontakt', url: 'https://fylke.example.no/praksiskandidat', questionId: 'q1', sectionId: 's1',
    feedback: 'none', canEscalate: true, escalateTitle: faqTexts.escalate.toTeam, canBook: true, bookTitle: faqTexts.answer.book, othersTitle: faqTexts.answer.others, others: [], navNote: '', question: 'praksiskandidat',
  },
  clarify: { ...faqTexts.clarify, noneTitle: faqTexts.clarify.none, questionId: 'q1', question: 'fagbrev', candidates: [{ id: 's1', rank: 0, heading: 'Praksiskandidat', title: 'Fagopplæring', line: '' }] },
  escalate: { ...faqTexts.escalate, contactUrl: 'https://fylke.example.no/kontakt', question: 'fagbrev', canEscalate: true, escalateTitle: faqTexts.escalate.toTeam },
  nav: faqTexts.nav,
};

/** Each template, made by its builder with data that shows its actions (every state and view). */
const rendered: Record<TemplateName, Card[]> = {
  ...(Object.fromEntries(CARD_NAMES.map((n) => [n, [renderCard(n, faqSample[n]), ...(n === 'answer' ? [renderCard(n, { ...faqSample.answer, feedback: 'no' })] : [])]])) as Record<(typeof CARD_NAMES)[number], Card[]>),
  'escalate-form': [escalationFormCard({}), escalationFormCard({ question: 'Fagbrev?', section: 'inntak', region: 'Romerike', error: 'Velg et tema.' })],
  ticket: STATES.map((s) => ticketCard(ticketIn(s), { view: 'team', now: NOW, members: [people.ola, people.kari], refreshUserIds: ['aad-ola'] })),
  'ticket-veileder': STATES.flatMap((s) => [veilederTicketCard(ticketIn(s), { now: NOW, canReopen: true }), veilederTicketCard(ticketIn(s), { now: NOW, canReopen: false })]),
  'my-tickets': [myTicketsCard(STATES.map(ticketIn), { now: NOW })],
  'booking-form': [bookingFormCard({ regions: ['Nordfjord'] }), bookingFormCard({ regions: ['Nordfjord'], draft, error: 'Sjekk feltene' })],
  'booking-slots': [slotsCard({ slots: [{ mailbox: 'ingrid@fjordvik.example.no', name: 'Ingrid Solheim', start: new Date('2026-11-24T08:00:00Z'), end: new Date('2026-11-24T08:45:00Z') }], draft, shown: [] })],
  booking: BOOKING_STATES.flatMap((s) => [bookingCard(bookingIn(s), { view: 'veileder' }), bookingCard(bookingIn(s), { view: 'counsellor' })]),
};

describe('Action.Submit fallbacks on every card', () => {
  it('the list of templates is the folder adaptive-cards/, and every one is rendered here', () => {
    const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    assert.deepEqual([...TEMPLATE_NAMES].sort(), files);
    assert.deepEqual(Object.keys(rendered).sort(), files);
  });

  for (const name of TEMPLATE_NAMES) {
    it(`${name}.json: every Action.Execute has an Action.Submit fallback with the same title and data plus the verb`, () => {
      const inTemplate = JSON.stringify(loadTemplate(name)).includes('"Action.Execute"');
      const actions = rendered[name].flatMap(executes);
      // Not vacuous: a template with Execute actions shows some with this data.
      assert.equal(actions.length > 0, inTemplate, `${name}: ${actions.length} Action.Execute rendered`);
      for (const a of actions) {
        assert.equal(a.fallback?.type, 'Action.Submit', `${name}/${a.verb}`);
        assert.equal(a.fallback?.title, a.title, `${name}/${a.verb}`);
        assert.equal(a.fallback?.style, a.style, `${name}/${a.verb}`);
        assert.equal(a.fallback?.associatedInputs, a.associatedInputs, `${name}/${a.verb}`);
        assert.deepEqual(a.fallback?.data, { ...(a.data ?? {}), verb: a.verb }, `${name}/${a.verb}`);
      }
    });
  }
});

describe('a fallback submission over HTTP does what the Action.Execute does', function () {
  this.timeout(60_000);
  let h: Harness;
  const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
  const personal = { from: kari, conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: 'tenant-fjordvik' } };
  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik' });
    h.roster.push({ ...kari, email: 'kari.veileder@nav.example.no' });
  });
  after(async () => h?.close());

  const invoke = async (verb: string, data: Record<string, unknown>): Promise<Card> => {
    const r = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', ...personal, value: { action: { type: 'Action.Execute', verb, data } } }));
    return (r.body as { value: Card }).value;
  };
  /** What a client without Universal Actions sends: a message whose value is the Submit's data (and the inputs). */
  const submit = async (fallback: Action | undefined, inputs: Record<string, unknown> = {}): Promise<Card | undefined> => {
    assert.equal(fallback?.type, 'Action.Submit');
    const from = h.sent.length;
    const r = await h.post(teamsActivity(h, { ...personal, value: { ...fallback!.data, ...inputs } }));
    assert.equal(r.status, 200);
    return cardOf(await h.waitForSent((s: Sent) => s.conversationId === 'a:personal-kari' && Boolean(cardOf(s)), from));
  };

  it('tickets: the form\'s «Send til teamet» creates the ticket, and the card\'s «Trekk saken» withdraws it', async () => {
    const form = await invoke('ticketForm', {});
    const inputs = { question: 'Kan bruker ta fagbrev på jobb uten læreplass?', section: 'fagopplaering', consent: 'true' };
    const byExecute = await invoke('ticketCreate', inputs);
    const bySubmit = await submit(fallbackOf(form, 'ticketCreate'), inputs);
    const [a, b] = await h.app.store.listTickets();
    assert.deepEqual([a.state, b.state], ['ny', 'ny']);
    assert.deepEqual([b.question, b.section, b.requester.id], [a.question, a.section, a.requester.id]);
    assert.deepEqual(verbs(bySubmit), verbs(byExecute), 'the same card, the same actions');
    assert.ok(verbs(bySubmit).includes('ticketWithdraw'));

    const withdrawn = await invoke('ticketWithdraw', { ticketId: a.id, version: a.version });
    const withdrawnBySubmit = await submit(fallbackOf(bySubmit, 'ticketWithdraw'));
    assert.equal((await h.app.store.getTicket(a.id))?.state, 'trukket');
    assert.equal((await h.app.store.getTicket(b.id))?.state, 'trukket');
    // The same card, but for the ticket's id and the minute it was sent.
    const same = (card: Card | undefined, id: string) => JSON.stringify(card).replaceAll(id, 'ID').replace(/kl\. \d{2}\.\d{2}/g, 'kl. HH.MM');
    assert.equal(same(withdrawnBySubmit, b.id), same(withdrawn, a.id));
  });

  it('booking: the form\'s «Finn ledige tider» gives the same slots, and a slot\'s button requests the talk', async () => {
    const form = await invoke('bookingForm', {});
    const inputs = { brukerAlias: 'AB', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: '45', timeOfDay: 'any', veilederJoins: 'true' };
    const byExecute = await invoke('bookingFind', inputs);
    const bySubmit = await submit(fallbackOf(form, 'bookingFind'), inputs);
    assert.deepEqual(bySubmit, byExecute, 'the same slots card');
    assert.ok(verbs(bySubmit).includes('bookingRequest'));

    const requested = await submit(fallbackOf(bySubmit, 'bookingRequest'));
    const [b] = await h.app.store.listBookings();
    assert.equal(b?.state, 'holdt');
    assert.equal(b.veileder.id, 'aad-kari');
    assert.match(JSON.stringify(requested), /Venter på svar fra rådgiveren/);
    assert.ok(verbs(requested).includes('bookingCancel'));
    const cancelled = await submit(fallbackOf(requested, 'bookingCancel'), { comment: 'Bruker er syk' });
    assert.equal((await h.app.store.getBooking(b.id))?.state, 'avlyst');
    assert.match(JSON.stringify(cancelled), /Avlyst/);
  });
});
