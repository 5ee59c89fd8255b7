import assert from 'node:assert/strict';
import { bookingCard, bookingFormCard, slotsCard, type BookingDraft } from '../../src/bot/booking-cards.js';
import { bookingTexts } from '../../src/text/booking.nb.js';
import { sentence } from '../../src/text/common.nb.js';
import { demoJoinUrl } from '../../src/calendar/embedded-calendar.js';
import { BOOKING_STATES, type Booking } from '../../src/booking/model.js';
import { validateCard } from '../helpers/adaptive-cards.js';

const draft: BookingDraft = { brukerAlias: 'AB', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: 45, timeOfDay: 'any', veilederJoins: true };
const booking = (over: Partial<Booking> = {}): Booking => ({
  id: 'TS-2026-0001', year: 2026, number: 1, version: 2, state: 'holdt', counsellor: { mailbox: 'ingrid@fjordvik.example.no', name: 'Ingrid Solheim' },
  start: '2026-11-24T08:00:00.000Z', end: '2026-11-24T08:45:00.000Z', format: 'teams', topic: 'karriereveiledning', veilederJoins: true, brukerAlias: 'AB',
  veileder: { id: 'aad-kari', name: 'Kari Veileder', conversationKey: 'personal:a:kari' }, holdUntil: '2026-11-21T09:00:00.000Z', transactionId: 't', history: [],
  createdAt: '2026-11-20T09:00:00.000Z', updatedAt: '2026-11-20T09:00:00.000Z', ...over,
});
const assertValid = (card: Record<string, unknown>, what: string) => {
  assert.ok(!JSON.stringify(card).includes('${'), `unexpanded expression in ${what}`);
  assert.deepEqual(validateCard(card).events, [], what);
};
/** The verbs of the card's actions, in order (an action's Action.Submit fallback is the same action again). */
const verbs = (card: Record<string, unknown>): string[] => JSON.stringify(card, (k, v: unknown) => (k === 'fallback' ? undefined : v)).match(/"verb":"(\w+)"/g)?.map((v) => v.slice(8, -1)) ?? [];

describe('Booking cards', () => {
  it('the form, with and without an error, is a valid card', () => {
    assertValid(bookingFormCard({ regions: ['Midtdalen', 'Nordfjord'] }), 'form');
    assertValid(bookingFormCard({ regions: ['Nordfjord'], draft, error: 'Sjekk feltene' }), 'form with error');
  });

  it('the slots card offers each slot, "Andre tider", and carries the draft', () => {
    const slots = [1, 2, 3].map((d) => ({ mailbox: 'ingrid@fjordvik.example.no', name: 'Ingrid Solheim', start: new Date(`2026-11-2${d}T08:00:00Z`), end: new Date(`2026-11-2${d}T08:45:00Z`) }));
    const card = slotsCard({ slots, draft, shown: [] });
    assertValid(card, 'slots');
    assert.deepEqual(verbs(card), ['bookingRequest', 'bookingRequest', 'bookingRequest', 'bookingMore']);
    assert.match(JSON.stringify(card), /Mandag 23\. nov\. kl\. 09\.00 – Ingrid Solheim/);
    const none = slotsCard({ slots: [], draft, shown: [] });
    assertValid(none, 'no slots');
    assert.deepEqual(verbs(none), []);
  });

  it('the talk card is valid in every state and view, with the buttons each side may use', () => {
    for (const state of BOOKING_STATES) {
      for (const view of ['veileder', 'counsellor'] as const) {
        const b = booking({ state, proposed: state === 'foreslatt' ? { start: '2026-11-26T12:00:00.000Z', end: '2026-11-26T12:45:00.000Z' } : undefined, event: state === 'bekreftet' ? { id: 'e1', joinUrl: 'https://teams.microsoft.com/l/meetup-join/x' } : undefined, declineReason: state === 'avslatt' ? 'kurs' : undefined });
        assertValid(bookingCard(b, { view }), `${state}/${view}`);
      }
    }
    assert.deepEqual(verbs(bookingCard(booking(), { view: 'counsellor' })), ['bookingAccept', 'bookingDecline', 'bookingPropose', 'bookingCancel']);
    assert.deepEqual(verbs(bookingCard(booking(), { view: 'veileder' })), ['bookingCancel']);
    assert.deepEqual(verbs(bookingCard(booking({ state: 'foreslatt', proposed: { start: '2026-11-26T12:00:00.000Z', end: '2026-11-26T12:45:00.000Z' } }), { view: 'veileder' })), ['bookingAcceptProposal', 'bookingCancel']);
    assert.deepEqual(verbs(bookingCard(booking({ state: 'avslatt' }), { view: 'veileder' })), ['bookingRetry']);
    const confirmed = bookingCard(booking({ state: 'bekreftet', event: { id: 'e1' } }), { view: 'veileder', icsUrl: 'https://veiviser.example.no/ics/TS-2026-0001.ics?sig=x' });
    assertValid(confirmed, 'confirmed with .ics');
    assert.match(JSON.stringify(confirmed), /\.ics\?sig=x/);
  });

  it('a demo meeting (embedded calendar) has no join button, and the card says plainly that it is a demo', () => {
    const demo = bookingCard(booking({ state: 'bekreftet', event: { id: 'e1', joinUrl: demoJoinUrl('e1') } }), { view: 'veileder' });
    assertValid(demo, 'demo meeting');
    const s = JSON.stringify(demo);
    assert.doesNotMatch(s, /Bli med i Teams-møtet|veiviser-demo/);
    assert.match(s, /Teams-møtet er bare en demo/);
    const real = JSON.stringify(bookingCard(booking({ state: 'bekreftet', event: { id: 'e1', joinUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0' } }), { view: 'veileder' }));
    assert.match(real, /"title":"Bli med i Teams-møtet","url":"https:\/\/teams.microsoft.com\/l\/meetup-join\/19/);
    assert.doesNotMatch(real, /bare en demo/);
  });

  it('the veileder may find new times after the counsellor cancelled, not after cancelling herself', () => {
    const at = '2026-11-20T10:00:00.000Z';
    const byCounsellor = booking({ state: 'avlyst', history: [{ at, actor: { id: 'aad-kari', name: 'Kari Veileder' }, action: 'forespurt' }, { at, actor: { id: 'aad-ingrid', name: 'Ingrid Solheim' }, action: 'avlyst', note: 'Syk' }] });
    assert.deepEqual(verbs(bookingCard(byCounsellor, { view: 'veileder' })), ['bookingRetry']);
    assert.deepEqual(verbs(bookingCard(byCounsellor, { view: 'counsellor' })), []);
    const byVeileder = booking({ state: 'avlyst', history: [{ at, actor: { id: 'aad-kari', name: 'Kari Veileder' }, action: 'avlyst' }] });
    assert.deepEqual(verbs(bookingCard(byVeileder, { view: 'veileder' })), []);
  });

  it('joins texts with one full stop', () => {
    const say = bookingTexts.announce;
    assert.equal(say.declined('Ingrid Solheim', 'Jeg er på kurs den dagen.'), 'Ingrid Solheim kan ikke ta samtalen: Jeg er på kurs den dagen. Finn nye tider under.');
    assert.equal(say.declined('Ingrid Solheim', 'Kurs'), 'Ingrid Solheim kan ikke ta samtalen: Kurs. Finn nye tider under.');
    assert.equal(say.declined('Ingrid Solheim', 'Er det mulig en annen dag?'), 'Ingrid Solheim kan ikke ta samtalen: Er det mulig en annen dag? Finn nye tider under.');
    assert.equal(say.declined('Ingrid Solheim', ''), 'Ingrid Solheim kan ikke ta samtalen. Finn nye tider under.');
    assert.equal(sentence('Du er nå registrert som Ingrid S.'), 'Du er nå registrert som Ingrid S.');
    assert.equal(sentence('kurs, '), 'kurs.');
  });

  it('the form comes back with what was submitted, where it fits', () => {
    const card = bookingFormCard({ regions: ['Midtdalen', 'Nordfjord'], values: { brukerAlias: 'CD', region: 'Nordfjord', format: 'phone', topic: 'karriereveiledning', duration: '60', interpreterLanguage: 'tigrinja', timeOfDay: 'afternoon', veilederJoins: 'false', brukerEmail: 'cd@example.no' } });
    assertValid(card, 'refilled form');
    const values: Record<string, string> = {};
    JSON.stringify(card, (_k, v: { type?: string; id?: string; value?: unknown }) => {
      if (v && typeof v.type === 'string' && v.type.startsWith('Input.') && v.id) values[v.id] = String(v.value);
      return v;
    });
    assert.deepEqual(values, { brukerAlias: 'CD', region: 'Nordfjord', format: 'phone', topic: 'karriereveiledning', duration: '60', interpreterLanguage: 'tigrinja', timeOfDay: 'afternoon', veilederJoins: 'false', brukerEmail: 'cd@example.no' });
    const forged = JSON.stringify(bookingFormCard({ regions: ['Nordfjord'], values: { region: 'Atlantis', format: '<b>', duration: '9999' } }));
    assert.doesNotMatch(forged, /Atlantis|<b>|9999/, 'values the form does not offer are not put in');
  });

  it('date and time fields say what to do in Norwegian (never the renderer\'s English «Select a date...»)', async () => {
    const { escalationFormCard } = await import('../../src/bot/ticket-cards.js');
    const inputs: Record<string, unknown>[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (o.type === 'Input.Date' || o.type === 'Input.Time') inputs.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk(bookingCard(booking(), { view: 'counsellor' }));
    walk(escalationFormCard({}));
    assert.ok(inputs.length >= 3);
    for (const i of inputs) assert.match(String(i.placeholder), /^Velg (en dato|et klokkeslett)$/, String(i.id));
  });

  it('says how long the time is held, and promises a reminder only when one will come', () => {
    assert.match(JSON.stringify(bookingCard(booking(), { view: 'counsellor' })), /"title":"Holdes til","value":"21\. nov\. kl\. 10\.00"/);
    const confirmed = (at: string) => bookingCard(booking({ state: 'bekreftet', history: [{ at, action: 'bekreftet', actor: { id: 'x', name: 'Ingrid Solheim' } }] }), { view: 'veileder' });
    assert.match(JSON.stringify(confirmed('2026-11-20T10:00:00.000Z')), /Påminnelse kommer 24 timer før/);
    const late = JSON.stringify(confirmed('2026-11-23T19:00:00.000Z'));
    assert.doesNotMatch(late, /Påminnelse kommer/);
    assert.match(late, /det kommer ingen egen påminnelse/);
    assert.doesNotMatch(late, /Holdes til/);
  });

  it('the form has no region chosen in advance: the veileder picks it (or gets the one used last time)', () => {
    const region = (card: Record<string, unknown>) => (JSON.stringify(card).match(/"id":"region"[^}]*?"value":"([^"]*)"/) ?? [])[1];
    const fresh = bookingFormCard({ regions: ['Midtdalen', 'Nordfjord'] });
    assert.equal(region(fresh) ?? '', '');
    assert.match(JSON.stringify(fresh), /"placeholder":"Velg region","isRequired":true/);
    assert.equal(region(bookingFormCard({ regions: ['Midtdalen', 'Nordfjord'], draft: { region: 'Nordfjord' } })), 'Nordfjord');
  });
});
