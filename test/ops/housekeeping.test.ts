import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Housekeeping, type HousekeepingDeps } from '../../src/ops/housekeeping.js';
import type { Store } from '../../src/store/store.js';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const daysBefore = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

function fixture(over: { store?: Partial<Store>; rules?: Partial<HousekeepingDeps['rules']>; failOnce?: boolean } = {}) {
  const calls: string[] = [];
  let failures = over.failOnce ? 1 : 0;
  const logged: { event?: string; err?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { event?: string }) });
  const store = {
    redactQuestionTexts: async (before: string) => (calls.push(`questions<${before}`), 0),
    listTickets: async () => [
      { id: 'T1', channel: { cardMessageId: 'card-1' } },
      { id: 'T2', redactedAt: '2026-01-01T00:00:00.000Z', channel: { cardMessageId: 'card-2' } },
    ],
    listTicketCards: async (id: string) => (id === 'T1' ? [{ id: 'upd-1' }] : [{ id: 'upd-2' }]),
    listUndeliveredOutbox: async () => [{ id: 'w', replaces: 'old-1', threadOf: 'root-1' }],
    pruneOutbox: async (before: string, keep: string[]) => (calls.push(`outbox<${before} keep ${[...keep].sort().join(',')}`), 0),
    ...over.store,
  } as unknown as Store;
  const deps: HousekeepingDeps = {
    store,
    tickets: {
      remindUntaken: async (h) => (calls.push(`remind ${h}`), []),
      closeIdleAnswered: async (d) => (calls.push(`autoclose ${d}`), []),
      redactClosed: async (d) => {
        calls.push(`redact ${d}`);
        if (failures-- > 0) throw new Error('lagringen svarer ikke');
        return [];
      },
    },
    bookings: {
      expireHolds: async () => (calls.push('holds'), []),
      syncWithCalendar: async () => (calls.push('sync'), []),
      sendReminders: async (h) => (calls.push(`booking reminders ${h}`), []),
    },
    notifications: { renew: async () => void calls.push('renew') },
    kick: () => calls.push('kick'),
    clock: () => NOW,
    log,
    rules: { reminderHours: 4, autoCloseDays: 14, retentionDays: 180, questionTextRetentionDays: 90, outboxKeepDays: 7, ...over.rules },
  };
  return { housekeeping: new Housekeeping(deps), calls, logged };
}

describe('housekeeping', () => {
  it('runs the retention and reminder rules in order, by the rules\' clock', async () => {
    const { housekeeping, calls } = fixture();
    await housekeeping.run();
    assert.deepEqual(calls, [
      'remind 4', 'autoclose 14', 'redact 180', `questions<${daysBefore(90)}`,
      // Kept: the cards of the ticket whose text is still there, and what a waiting message depends on.
      `outbox<${daysBefore(7)} keep card-1,old-1,root-1,upd-1`,
      'holds', 'sync', 'renew', 'booking reminders 24', 'kick',
    ]);
  });

  it('leaves out reminders and auto-close set to 0, and prunes shared rate-limit counts when the store keeps them', async () => {
    let pruned = 0;
    const rateLimits = { rateLimitPrune: async () => void pruned++ };
    const { housekeeping, calls } = fixture({ rules: { reminderHours: 0, autoCloseDays: 0 }, store: { capabilities: { rateLimits } } as unknown as Partial<Store> });
    await housekeeping.run();
    assert.ok(!calls.some((c) => c.startsWith('remind ') || c.startsWith('autoclose')));
    assert.equal(pruned, 1);
  });

  it('runs one run after another; a failed run is logged, not thrown, and the next one runs', async () => {
    const { housekeeping, calls, logged } = fixture({ failOnce: true });
    await Promise.all([housekeeping.run(), housekeeping.run()]);
    assert.equal(logged.filter((l) => l.event === 'housekeeping_failed')[0]?.err, 'lagringen svarer ikke');
    assert.equal(calls.filter((c) => c === 'kick').length, 1, 'the failed run stopped at its failure; the second ran to the end');
    assert.ok(calls.indexOf('redact 180') < calls.lastIndexOf('remind 4'), 'the second run started after the first');
    await housekeeping.settled();
  });

  it('start() runs at once and stop() ends the timer', async () => {
    const { housekeeping, calls } = fixture();
    housekeeping.start();
    await housekeeping.settled();
    housekeeping.stop();
    assert.equal(calls.filter((c) => c === 'kick').length, 1);
  });
});
