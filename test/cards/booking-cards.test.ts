import assert from 'node:assert/strict';
import { bookingCard, bookingFormCard, slotsCard, type BookingDraft } from '../../src/bot/booking-cards.js';
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
const verbs = (card: Record<string, unknown>): string[] => JSON.stringify(card).match(/"verb":"(\w+)"/g)?.map((v) => v.slice(8, -1)) ?? [];

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
    assert.match(JSON.stringify(card), /Mandag 23\. november kl\. 09\.00 – Ingrid Solheim/);
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
});
