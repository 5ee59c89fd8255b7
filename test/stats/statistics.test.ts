import assert from 'node:assert/strict';
import type { Booking } from '../../src/booking/model.js';
import { bookingStats, officeActivity, periodOf, questionStats, suppress, ticketStats, toCsv } from '../../src/stats/statistics.js';
import type { QuestionRecord } from '../../src/store/store.js';
import type { Ticket } from '../../src/tickets/model.js';

const q = (at: string, outcome: QuestionRecord['outcome'], over: Partial<QuestionRecord> = {}): QuestionRecord => ({ id: at + outcome, at, userHash: 'h', conversationType: 'personal', outcome, ...over });

describe('statistics', () => {
  it('puts instants in Oslo weeks and months (a Sunday-night question belongs to that week)', () => {
    assert.equal(periodOf('2026-11-29T22:30:00Z', 'week'), '2026-W48', 'Sunday 23:30 in Oslo');
    assert.equal(periodOf('2026-11-30T23:30:00Z', 'month'), '2026-12', 'already 1 December in Oslo');
    assert.equal(periodOf('2026-12-31T23:30:00Z', 'week'), '2026-W53');
  });

  it('counts questions by outcome and feedback per period', () => {
    const stats = questionStats([
      q('2026-11-16T09:00:00Z', 'answer', { feedback: { helpful: true, at: 'x' } }), q('2026-11-17T09:00:00Z', 'answer', { feedback: { helpful: false, at: 'x' } }),
      q('2026-11-18T09:00:00Z', 'escalate'), q('2026-11-18T10:00:00Z', 'nav'), q('2026-11-24T09:00:00Z', 'clarify'),
    ], 'week');
    assert.deepEqual(stats, [
      { period: '2026-W47', asked: 4, answered: 2, clarified: 0, escalated: 1, nav: 1, helpful: 1, notHelpful: 1 },
      { period: '2026-W48', asked: 1, answered: 0, clarified: 1, escalated: 0, nav: 0, helpful: 0, notHelpful: 0 },
    ]);
  });

  it('shows counts under five as "<5"', () => {
    assert.deepEqual([0, 1, 4, 5, 12].map(suppress), ['0', '<5', '<5', '5', '12']);
  });

  it('gives median response times and overdue tickets', () => {
    const t = (created: string, events: [string, string][], state: Ticket['state'] = 'besvart') => ({
      createdAt: created, state, history: [{ at: created, action: 'opprettet' }, ...events.map(([at, action]) => ({ at, action }))],
    }) as unknown as Ticket;
    const stats = ticketStats([
      t('2026-11-16T08:00:00Z', [['2026-11-16T10:00:00Z', 'tatt'], ['2026-11-16T12:00:00Z', 'besvart']]),
      t('2026-11-17T08:00:00Z', [['2026-11-17T12:00:00Z', 'tatt'], ['2026-11-18T08:00:00Z', 'besvart']]),
      t('2026-11-18T08:00:00Z', [], 'ny'),
    ], 'week', new Date('2026-11-20T08:00:00Z'));
    assert.deepEqual(stats, [{ period: '2026-W47', opened: 3, medianHoursToFirstResponse: 3, medianHoursToAnswer: 14, overdue: 1 }]);
  });

  it('shows which offices use the service, and which do not', () => {
    const rows = officeActivity([q('2026-11-16T09:00:00Z', 'answer', { office: 'NAV Fjordvik' }), q('2026-11-16T10:00:00Z', 'answer')], [], ['NAV Fjordvik', 'NAV Lia']);
    assert.deepEqual(rows, [{ office: 'NAV Fjordvik', questions: 1, tickets: 0 }, { office: 'Ukjent kontor', questions: 1, tickets: 0 }, { office: 'NAV Lia', questions: 0, tickets: 0 }]);
  });

  it('counts bookings per counsellor', () => {
    const b = (name: string, state: Booking['state'], accepted = false) => ({ counsellor: { name }, state, history: accepted ? [{ action: 'bekreftet' }] : [] }) as unknown as Booking;
    assert.deepEqual(bookingStats([b('Ingrid', 'bekreftet', true), b('Ingrid', 'avslatt'), b('Yonas', 'holdt')]), [
      { counsellor: 'Ingrid', requested: 2, accepted: 1, declined: 1, held: 0, cancelled: 0 },
      { counsellor: 'Yonas', requested: 1, accepted: 0, declined: 0, held: 1, cancelled: 0 },
    ]);
  });

  it('writes CSV that Norwegian spreadsheets open safely', () => {
    const csv = toCsv(['Kontor', 'Spørsmål', 'Median'], [['NAV "Sentrum"; vest', 12, 2.5], ['=HYPERLINK("x")', '<5', undefined]]);
    assert.ok(csv.startsWith('\uFEFF'));
    assert.equal(csv, '\uFEFFKontor;Spørsmål;Median\r\n"NAV ""Sentrum""; vest";12;2,5\r\n"\'=HYPERLINK(""x"")";<5;\r\n');
  });
});
