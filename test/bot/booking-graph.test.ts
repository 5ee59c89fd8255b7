import assert from 'node:assert/strict';
import { DEMO_COUNSELLORS_FILE, loadCounsellors } from '../../src/booking/counsellors.js';
import { GraphCalendar } from '../../src/calendar/graph-calendar.js';
import { startHarness, teamsActivity, type Harness, type Sent } from '../helpers/harness.js';
import { GraphServer } from '../helpers/graph-server.js';

const json = (x: unknown): string => JSON.stringify(x);
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const counsellorUser = { id: '29:user-c', name: 'Rådgiver', aadObjectId: 'aad-c' };
type Action = { verb?: string; title?: string; data?: Record<string, unknown> };

describe('booking over HTTP against Microsoft Graph (loopback wire server)', function () {
  this.timeout(60_000);
  let graph: GraphServer;
  let h: Harness;
  before(async () => {
    graph = await GraphServer.start({ expectedToken: 'graph-test-token' });
    for (const c of await loadCounsellors(DEMO_COUNSELLORS_FILE)) {
      graph.setWorkingHours(c.mailbox, { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00:00.0000000', endTime: '16:00:00.0000000', timeZone: { name: 'W. Europe Standard Time' } });
    }
    const calendar = new GraphCalendar({ authProvider: { getAccessToken: async () => 'graph-test-token' }, baseUrl: graph.baseUrl, retryDelaySeconds: 1 });
    h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik', VEILEDER_CALENDAR_TENANT_IDS: 'tenant-fjordvik' }, { calendar });
    h.roster.push({ ...kari, email: 'kari.veileder@fjordvik.example.no' });
  });
  after(async () => {
    await h?.close();
    await graph?.close();
  });

  const personal = (u: typeof kari) => ({ from: u, conversation: { id: `a:personal-${u.id}`, conversationType: 'personal', tenantId: 'tenant-fjordvik' } });
  const invoke = (u: typeof kari, verb: string, data: Record<string, unknown>) =>
    h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', ...personal(u), value: { action: { type: 'Action.Execute', verb, data } } }));
  const value = (r: { body: unknown }) => (r.body as { statusCode: number; value: Record<string, unknown> });
  const waitFor = (pred: (s: Sent) => boolean, from: number, ms = 8000): Promise<Sent> => h.waitForSent(pred, from, ms);

  it('suggests slots from Graph free/busy, and accepting creates one Teams meeting even when Graph first answers 429', async () => {
    // The veileder is in a tenant whose calendars the app may read: her busy days are avoided.
    const { firstBookableDay } = await import('../../src/booking/slot-finder.js');
    const first = firstBookableDay(new Date(), 1);
    const blocked = [first, first.plus({ days: 1 })].map((d) => d.toISODate());
    for (const d of [first, first.plus({ days: 1 })]) graph.seedBusy('kari.veileder@fjordvik.example.no', d.set({ hour: 0 }).toJSDate(), d.set({ hour: 23, minute: 59 }).toJSDate(), 'busy');
    const find = await invoke(kari, 'bookingFind', { brukerAlias: 'CD', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: 45, timeOfDay: 'any', veilederJoins: 'true' });
    const slots = ((value(find).value as { actions: Action[] }).actions ?? []).filter((a) => a.verb === 'bookingRequest');
    assert.ok(slots.length >= 3, `${slots.length} slots`);
    assert.ok(graph.requestsTo('POST', /getSchedule$/i).length > 0, 'free/busy came from getSchedule');
    assert.ok(slots.every((a) => !blocked.includes(new Date(String(a.data?.start)).toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' }))), 'no slot when the veileder is busy');

    const slot = slots[0];
    const name = String(slot.title).split(' – ')[1];
    const f0 = h.sent.length;
    await h.post(teamsActivity(h, { ...personal({ ...counsellorUser, name }), text: `jeg er rådgiver ${name}` }));
    await waitFor((s) => String(s.activity.text).includes('registrert'), f0);
    const req = await invoke(kari, 'bookingRequest', slot.data!);
    assert.match(json(value(req).value), /Venter på svar/);
    const [b] = await h.app.store.listBookings();

    graph.failNext(1, { status: 429, retryAfter: 1, match: (r) => r.method === 'POST' && /\/events$/.test(r.path) });
    const from = h.sent.length;
    const acc = await invoke({ ...counsellorUser, name }, 'bookingAccept', { bookingId: b.id, version: b.version });
    assert.match(json(value(acc).value), /Bekreftet/);
    const events = graph.eventsOf(b.counsellor.mailbox).filter((e) => e.subject === 'Trepartssamtale – karriereveiledning');
    assert.equal(events.length, 1, 'exactly one event after the 429 and the retry');
    assert.equal(events[0].isOnlineMeeting, true);
    assert.equal(events[0].onlineMeetingProvider, 'teamsForBusiness');
    assert.equal(events[0].start.toISOString(), b.start);
    assert.ok(graph.requestsTo('POST', /\/events$/).length >= 2, 'the create was retried');
    const toKari = await waitFor((s) => s.conversationId === `a:personal-${kari.id}` && json(s.activity).includes('er bekreftet'), from);
    assert.ok(events[0].joinUrl && json(toKari.activity).includes(events[0].joinUrl), 'the join link from Graph is on the confirmation');

    // Moved in Outlook: the periodic sync tells the veileder.
    const moved = new Date(Date.parse(b.start) + 24 * 3_600_000);
    graph.outlookMove(b.counsellor.mailbox, events[0].id, moved, new Date(moved.getTime() + 45 * 60_000));
    const f2 = h.sent.length;
    assert.deepEqual(await h.app.bookings.syncWithCalendar(), [b.id]);
    const told = await waitFor((s) => s.conversationId === `a:personal-${kari.id}` && json(s.activity).includes('har flyttet'), f2);
    assert.ok(told);
    assert.equal((await h.app.store.getBooking(b.id))?.start, moved.toISOString());
  });
});
