/**
 * The Graph adapter through real HTTP: the real Graph client (its RetryHandler included) against a
 * loopback server that speaks Graph's wire format and checks request bodies against Graph's shapes.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type * as MG from '@microsoft/microsoft-graph-types';
import { pino } from 'pino';
import { findWindows } from 'windows-iana';
import { CalendarError, type NewEvent, type WorkingHours } from '../../src/calendar/calendar.js';
import { fromGraphDateTime, GraphCalendar, toBusyStatus, toIanaZone, type GraphCalendarOptions } from '../../src/calendar/graph-calendar.js';
import { GraphServer } from '../helpers/graph-server.js';
import { calendarContract } from './contract.js';

const TOKEN = 'test-token-abc';
const DAY_NAMES: Record<number, MG.DayOfWeek> = { 1: 'monday', 2: 'tuesday', 3: 'wednesday', 4: 'thursday', 5: 'friday', 6: 'saturday', 7: 'sunday' };

/** Working hours as Graph's mailbox settings hold them: weekday names, "HH:mm:ss.fffffff", a Windows zone name. */
function toGraphWorkingHours(wh: WorkingHours): MG.WorkingHours {
  const time = (t: string) => `${t.length === 5 ? `${t}:00` : t}.0000000`;
  return {
    daysOfWeek: wh.daysOfWeek.map((d) => DAY_NAMES[d]),
    startTime: time(wh.startTime),
    endTime: time(wh.endTime),
    timeZone: { name: findWindows(wh.timeZone)[0] ?? wh.timeZone },
  };
}

function makeCalendar(server: GraphServer, over: Partial<GraphCalendarOptions> = {}): GraphCalendar {
  return new GraphCalendar({ authProvider: { getAccessToken: async () => TOKEN }, baseUrl: server.baseUrl, retryDelaySeconds: 0, ...over } as GraphCalendarOptions);
}

calendarContract('Microsoft Graph (GraphCalendar over the Graph wire server)', async () => {
  const server = await GraphServer.start({ expectedToken: TOKEN });
  return {
    calendar: makeCalendar(server),
    seedBusy: async (m, start, end, status) => server.seedBusy(m, start, end, status),
    seedWorkingHours: async (m, wh) => server.setWorkingHours(m, toGraphWorkingHours(wh)),
    close: async () => {
      await server.close();
      assert.deepEqual(server.rejected, [], 'every request fitted Graph');
    },
  };
});

describe('GraphCalendar on the Graph wire format', function () {
  const kari = 'kari.radgiver@fylke.example.no';
  const ola = 'ola.radgiver@fylke.example.no';
  let server: GraphServer;
  let calendar: GraphCalendar;
  let logLines: string[];

  function event(over: Partial<NewEvent> = {}): NewEvent {
    return {
      mailbox: kari,
      subject: 'Trepartssamtale – karriereveiledning',
      bodyHtml: '<h2>Agenda</h2><ul><li>Læringsløp</li><li>Realkompetanse og sluttkompetanse</li></ul>',
      start: new Date('2026-04-14T08:00:00Z'),
      end: new Date('2026-04-14T08:45:00Z'),
      attendees: [
        { email: 'veileder@nav.example.no', name: 'Veileder NAV', type: 'required' },
        { email: 'bruker@example.no', type: 'optional' },
      ],
      online: true,
      transactionId: 'booking-42-create',
      ...over,
    };
  }

  beforeEach(async function () {
    server = await GraphServer.start({ expectedToken: TOKEN });
    logLines = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString('utf8'));
        cb();
      },
    });
    calendar = makeCalendar(server, { logger: pino({ level: 'debug' }, sink) });
  });

  afterEach(async function () {
    await server.close();
    assert.deepEqual(server.rejected, [], 'every request fitted Graph');
    const logs = logLines.join('');
    for (const secret of [kari, ola, 'veileder@nav.example.no', 'bruker@example.no', 'Trepartssamtale', 'Agenda']) {
      assert.ok(!logs.includes(secret), `logs carry no ${secret}`);
    }
  });

  describe('getSchedule requests', function () {
    it('asks for at most 20 mailboxes and under 62 days per call, in UTC, with a bearer token', async function () {
      const many = Array.from({ length: 45 }, (_, i) => `radgiver${i}@fylke.example.no`);
      const from = new Date('2026-03-01T00:00:00Z');
      const to = new Date('2026-06-09T00:00:00Z'); // 100 days
      const schedules = await calendar.getSchedules(many, from, to);
      assert.equal(schedules.length, 45);

      const calls = server.requestsTo('POST', /\/calendar\/getSchedule$/);
      assert.equal(calls.length, 3 * 2, '3 batches (20+20+5) × 2 windows');
      const asked = new Map<string, number>();
      for (const c of calls) {
        const body = c.body as { schedules: string[]; startTime: MG.DateTimeTimeZone; endTime: MG.DateTimeTimeZone; availabilityViewInterval: number };
        assert.ok(body.schedules.length <= 20);
        assert.equal(c.mailbox, body.schedules[0].toLowerCase(), 'the URL names a mailbox of the batch');
        assert.equal(typeof body.availabilityViewInterval, 'number');
        assert.equal(body.startTime.timeZone, 'UTC');
        assert.equal(body.endTime.timeZone, 'UTC');
        assert.match(body.startTime.dateTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
        const days = (Date.parse(`${body.endTime.dateTime}Z`) - Date.parse(`${body.startTime.dateTime}Z`)) / 86_400_000;
        assert.ok(days > 0 && days < 62, `window of ${days} days`);
        assert.equal(c.headers.authorization, `Bearer ${TOKEN}`);
        assert.match(String(c.headers['content-type']), /^application\/json/);
        assert.match(String(c.headers.prefer), /outlook\.timezone="UTC"/);
        for (const m of body.schedules) asked.set(m, (asked.get(m) ?? 0) + 1);
      }
      assert.deepEqual([...asked.keys()].sort(), [...many].sort());
      assert.ok([...asked.values()].every((n) => n === 2), 'each mailbox once per window');
      const windows = new Set(calls.map((c) => JSON.stringify([(c.body as { startTime: unknown }).startTime, (c.body as { endTime: unknown }).endTime])));
      assert.deepEqual(
        [...windows].map((w) => JSON.parse(w) as [MG.DateTimeTimeZone, MG.DateTimeTimeZone]).map(([s, e]) => [s.dateTime, e.dateTime]).sort(),
        [
          ['2026-03-01T00:00:00.000', '2026-05-01T00:00:00.000'],
          ['2026-05-01T00:00:00.000', '2026-06-09T00:00:00.000'],
        ],
        'the windows join up without a gap',
      );
    });

    it('maps statuses and Windows-zoned working hours, and reports a mailbox Graph cannot answer for', async function () {
      server.seedBusy(kari, new Date('2026-04-14T07:00:00Z'), new Date('2026-04-14T08:00:00Z'), 'workingElsewhere');
      server.setWorkingHours(kari, { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday'], startTime: '08:30:00.0000000', endTime: '15:00:00.0000000', timeZone: { name: 'W. Europe Standard Time' } });
      server.setWorkingHours(ola, { daysOfWeek: ['friday'], startTime: '09:00:00.0000000', endTime: '12:00:00.0000000', timeZone: { name: 'Customized Time Zone' } });
      server.markUnknown('borte@fylke.example.no');
      const [k, o, gone] = await calendar.getSchedules([kari, ola, 'borte@fylke.example.no'], new Date('2026-04-14T00:00:00Z'), new Date('2026-04-15T00:00:00Z'));
      assert.deepEqual(k.busy, [{ start: new Date('2026-04-14T07:00:00Z'), end: new Date('2026-04-14T08:00:00Z'), status: 'workingElsewhere' }]);
      assert.deepEqual(k.workingHours, { daysOfWeek: [1, 2, 3, 4], startTime: '08:30', endTime: '15:00', timeZone: 'Europe/Oslo' });
      assert.equal(o.workingHours?.timeZone, 'Europe/Oslo', 'an unmappable custom zone falls back to the default zone');
      assert.equal(o.error, undefined);
      assert.match(gone.error ?? '', /ErrorInvalidUser/);
      assert.deepEqual(gone.busy, []);
    });

    it('marks the mailboxes of a failed batch and keeps the others; throws when every call failed', async function () {
      const many = Array.from({ length: 25 }, (_, i) => `r${i}@fylke.example.no`);
      server.seedBusy(many[22], new Date('2026-04-14T07:00:00Z'), new Date('2026-04-14T08:00:00Z'), 'busy');
      server.failNext(1, { status: 403, match: (r) => r.mailbox === many[0] });
      const schedules = await calendar.getSchedules(many, new Date('2026-04-14T00:00:00Z'), new Date('2026-04-15T00:00:00Z'));
      assert.ok(schedules.slice(0, 20).every((s) => s.error?.includes('403')));
      assert.ok(schedules.slice(20).every((s) => s.error === undefined));
      assert.equal(schedules[22].busy.length, 1);

      server.failNext(2, { status: 403 });
      await assert.rejects(calendar.getSchedules(many, new Date('2026-04-14T00:00:00Z'), new Date('2026-04-15T00:00:00Z')), (e: unknown) => e instanceof CalendarError && e.status === 403 && !e.retryable);
    });
  });

  describe('events', function () {
    it('creates a Teams talk: HTML agenda, attendees, isOnlineMeeting, teamsForBusiness, transactionId', async function () {
      const created = await calendar.createEvent(event());
      const [post] = server.requestsTo('POST', /\/events$/);
      assert.equal(post.path, `/v1.0/users/${kari}/events`);
      assert.equal(post.headers.authorization, `Bearer ${TOKEN}`);
      assert.deepEqual(post.body, {
        subject: 'Trepartssamtale – karriereveiledning',
        body: { contentType: 'html', content: event().bodyHtml },
        start: { dateTime: '2026-04-14T08:00:00.000', timeZone: 'UTC' },
        end: { dateTime: '2026-04-14T08:45:00.000', timeZone: 'UTC' },
        attendees: [
          { emailAddress: { address: 'veileder@nav.example.no', name: 'Veileder NAV' }, type: 'required' },
          { emailAddress: { address: 'bruker@example.no' }, type: 'optional' },
        ],
        isOnlineMeeting: true,
        onlineMeetingProvider: 'teamsForBusiness',
        allowNewTimeProposals: false,
        transactionId: 'booking-42-create',
      });
      const stored = server.eventsOf(kari)[0];
      assert.equal(created.id, stored.id);
      assert.match(created.joinUrl ?? '', /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
      assert.equal(created.joinUrl, stored.joinUrl);
      assert.equal(created.webLink, stored.webLink);
      assert.equal(created.iCalUId, stored.iCalUId);
      assert.equal(server.requests.length, 1, 'no second request when the join URL came with the create');
    });

    it('creates an in-person talk with a location and no Teams meeting', async function () {
      const created = await calendar.createEvent(event({ online: false, location: 'NAV Sandnes, rom 3', transactionId: 'booking-43' }));
      const body = server.requestsTo('POST', /\/events$/)[0].body as MG.Event;
      assert.equal(body.isOnlineMeeting, false);
      assert.equal(body.onlineMeetingProvider, undefined);
      assert.deepEqual(body.location, { displayName: 'NAV Sandnes, rom 3' });
      assert.equal(created.joinUrl, undefined);
      assert.equal(server.requests.length, 1);
    });

    it('fetches the join URL once more when Graph attaches the Teams meeting late, and does without it when there is none', async function () {
      server.teams = 'late';
      const late = await calendar.createEvent(event({ transactionId: 'late-1' }));
      assert.match(late.joinUrl ?? '', /^https:\/\/teams\.microsoft\.com\//);
      const gets = server.requestsTo('GET', /\/events\/[^/]+$/);
      assert.equal(gets.length, 1);
      assert.match(gets[0].query.$select ?? '', /onlineMeeting/);

      server.failNext(1, { status: 403, match: (r) => r.method === 'GET' });
      const lost = await calendar.createEvent(event({ transactionId: 'late-2', start: new Date('2026-04-14T12:00:00Z'), end: new Date('2026-04-14T12:45:00Z') }));
      assert.ok(lost.id, 'a failed second look costs the link, not the event');
      assert.equal(lost.joinUrl, undefined);

      server.teams = 'off';
      const none = await calendar.createEvent(event({ transactionId: 'off-1', start: new Date('2026-04-14T10:00:00Z'), end: new Date('2026-04-14T10:45:00Z') }));
      assert.equal(none.joinUrl, undefined);
      assert.ok(none.id);
      assert.ok(logLines.some((l) => l.includes('graph-teams-link-missing')));
    });

    it('updates with PATCH, cancels with a comment, and reads moves and deletions made in Outlook', async function () {
      const { id } = await calendar.createEvent(event({ online: false }));
      await calendar.updateEvent(kari, id, { start: new Date('2026-04-16T09:00:00Z'), end: new Date('2026-04-16T09:45:00Z'), location: 'Rom 4' });
      const [patch] = server.requestsTo('PATCH', /\/events\//);
      assert.deepEqual(patch.body, { start: { dateTime: '2026-04-16T09:00:00.000', timeZone: 'UTC' }, end: { dateTime: '2026-04-16T09:45:00.000', timeZone: 'UTC' }, location: { displayName: 'Rom 4' } });

      server.outlookMove(kari, id, new Date('2026-04-17T12:00:00Z'), new Date('2026-04-17T12:45:00Z'));
      assert.deepEqual(await calendar.getEvent(kari, id), { id, start: new Date('2026-04-17T12:00:00Z'), end: new Date('2026-04-17T12:45:00Z'), isCancelled: false });

      await calendar.cancelEvent(kari, id, 'Rådgiver er syk.');
      const [cancel] = server.requestsTo('POST', /\/cancel$/);
      assert.equal(cancel.path, `/v1.0/users/${kari}/events/${id}/cancel`);
      assert.deepEqual(cancel.body, { comment: 'Rådgiver er syk.' });
      assert.equal(await calendar.getEvent(kari, id), undefined, 'a cancelled event is gone from the calendar');
      await calendar.cancelEvent(kari, id, 'igjen'); // cancelling what is gone is done, not an error

      const other = await calendar.createEvent(event({ transactionId: 'deleted-in-outlook' }));
      server.outlookDelete(kari, other.id);
      assert.equal(await calendar.getEvent(kari, other.id), undefined, 'deleted in Outlook: undefined');
    });
  });

  describe('throttling and errors', function () {
    it('429 with Retry-After: 1, then success: waits, retries with the same transactionId, one event', async function () {
      server.failNext(1, { status: 429, retryAfter: 1, match: (r) => r.method === 'POST' });
      const t0 = Date.now();
      const created = await calendar.createEvent(event());
      assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After');
      const posts = server.requestsTo('POST', /\/events$/);
      assert.deepEqual(posts.map((p) => p.status), [429, 201]);
      assert.deepEqual(posts[1].body, posts[0].body, 'the retry sent the same body, transactionId included');
      assert.equal(posts[1].headers['retry-attempt'], '1');
      assert.equal(server.eventsOf(kari).length, 1);
      assert.equal(created.id, server.eventsOf(kari)[0].id);
    });

    it('a create whose answer was lost (504 after Graph made the event) is retried into the same event', async function () {
      server.failNext(1, { status: 504, afterCommit: true, retryAfter: 0, match: (r) => r.method === 'POST' });
      const created = await calendar.createEvent(event());
      assert.deepEqual(server.requestsTo('POST', /\/events$/).map((p) => p.status), [504, 201]);
      assert.equal(server.eventsOf(kari).length, 1, 'transactionId kept it to one event');
      assert.equal(created.id, server.eventsOf(kari)[0].id);
    });

    it('a Graph that hangs: the call times out with a retryable CalendarError instead of waiting for ever', async function () {
      const c = makeCalendar(server, { timeoutMs: 300 });
      server.failNext(10, { status: 503, delayMs: 3000 });
      const t0 = Date.now();
      await assert.rejects(c.getSchedules([kari], new Date('2026-04-14T00:00:00Z'), new Date('2026-04-15T00:00:00Z')), (e: unknown) => {
        assert.ok(e instanceof CalendarError);
        assert.equal(e.retryable, true);
        return true;
      });
      assert.ok(Date.now() - t0 < 2500, `gave up after ${Date.now() - t0} ms`);
    });

    it('503 without Retry-After, then success', async function () {
      server.seedBusy(kari, new Date('2026-04-14T07:00:00Z'), new Date('2026-04-14T08:00:00Z'), 'busy');
      server.failNext(1, { status: 503 });
      const [s] = await calendar.getSchedules([kari], new Date('2026-04-14T00:00:00Z'), new Date('2026-04-15T00:00:00Z'));
      assert.equal(s.busy.length, 1);
      assert.deepEqual(server.requests.map((r) => r.status), [503, 200]);
    });

    it('a permanent 403 is a CalendarError that is not retryable, and is not retried', async function () {
      server.failNext(10, { status: 403 });
      await assert.rejects(calendar.createEvent(event()), (e: unknown) => {
        assert.ok(e instanceof CalendarError);
        assert.equal(e.status, 403);
        assert.equal(e.retryable, false);
        return true;
      });
      assert.equal(server.requests.length, 1);
    });

    it('gives up after maxRetries with a retryable CalendarError', async function () {
      const c = makeCalendar(server, { maxRetries: 2 });
      server.failNext(10, { status: 429, retryAfter: 0 });
      await assert.rejects(c.getEvent(kari, 'AAMkADx='), (e: unknown) => e instanceof CalendarError && e.status === 429 && e.retryable);
      assert.equal(server.requests.length, 3, 'one try and two retries');
    });

    it('does not sit out a Retry-After longer than the cap: fails at once, retryable', async function () {
      server.failNext(1, { status: 429, retryAfter: 120 });
      const t0 = Date.now();
      await assert.rejects(calendar.createEvent(event()), (e: unknown) => e instanceof CalendarError && e.status === 429 && e.retryable && /retry after 120 s/.test(e.message));
      assert.ok(Date.now() - t0 < 5000);
      assert.equal(server.requests.length, 1);
    });

    it('a wrong token is a 401 CalendarError', async function () {
      const c = new GraphCalendar({ authProvider: { getAccessToken: async () => 'stale' }, baseUrl: server.baseUrl });
      await assert.rejects(c.getEvent(kari, 'AAMkADx='), (e: unknown) => e instanceof CalendarError && e.status === 401 && !e.retryable);
      server.rejected.length = 0; // the server rightly refused it
    });
  });

  describe('concurrency', function () {
    it('has at most 4 requests in flight per mailbox, while mailboxes run side by side', async function () {
      server.latencyMs = 80;
      const work = [kari, ola].flatMap((m) =>
        Array.from({ length: 12 }, (_, i) =>
          calendar.createEvent(event({ mailbox: m, transactionId: `${m}-${i}`, start: new Date(Date.UTC(2026, 3, 14, 6 + i)), end: new Date(Date.UTC(2026, 3, 14, 6 + i, 45)) })),
        ),
      );
      const t0 = Date.now();
      await Promise.all(work);
      assert.equal(server.maxInFlight(kari), 4);
      assert.equal(server.maxInFlight(ola), 4);
      assert.equal(server.concurrencyRejections, 0);
      assert.equal(server.eventsOf(kari).length, 12);
      assert.ok(Date.now() - t0 < 12 * 80, 'the two mailboxes did not wait for each other');
    });

    it('(control) the server does measure: 8 at once for one mailbox is throttled by it', async function () {
      const c = makeCalendar(server, { maxConcurrentPerMailbox: 8 });
      server.latencyMs = 80;
      await Promise.all(Array.from({ length: 8 }, (_, i) => c.createEvent(event({ transactionId: `ctl-${i}` }))));
      assert.ok(server.maxInFlight(kari) > 4);
      assert.ok(server.concurrencyRejections > 0);
      assert.equal(server.eventsOf(kari).length, 8, 'the throttled ones were retried by the client');
    });
  });

  describe('time zones', function () {
    it('converts Graph dateTimeTimeZone values across the change to summer time (29 March 2026)', function () {
      const cases: Array<[string, string, string]> = [
        ['2026-03-29T01:30:00.0000000', 'W. Europe Standard Time', '2026-03-29T00:30:00.000Z'], // CET, before the change
        ['2026-03-29T03:30:00.0000000', 'W. Europe Standard Time', '2026-03-29T01:30:00.000Z'], // CEST, after it
        ['2026-03-29T03:30:00.0000000', 'Europe/Oslo', '2026-03-29T01:30:00.000Z'],
        ['2026-10-25T01:30:00.0000000', 'Europe/Oslo', '2026-10-24T23:30:00.000Z'],
        ['2026-03-29T01:30:00.0000000', 'UTC', '2026-03-29T01:30:00.000Z'],
        ['2026-03-29T01:30:00.1234567', 'UTC', '2026-03-29T01:30:00.123Z'],
        ['2026-03-28T17:30:00.0000000', 'Pacific Standard Time', '2026-03-29T00:30:00.000Z'],
      ];
      for (const [dateTime, timeZone, iso] of cases) assert.equal(fromGraphDateTime({ dateTime, timeZone }).toISOString(), iso, `${dateTime} ${timeZone}`);
      assert.throws(() => fromGraphDateTime({ dateTime: '2026-03-29T01:30:00', timeZone: 'Mars Standard Time' }), CalendarError);
      assert.equal(toIanaZone('W. Europe Standard Time'), 'Europe/Oslo');
      assert.equal(toIanaZone('UTC'), 'UTC');
      assert.equal(toIanaZone('Customized Time Zone'), undefined);
      assert.equal(toBusyStatus('Tentative'), 'tentative');
      assert.equal(toBusyStatus('strange'), 'unknown');
    });

    it('reads times right when Graph answers in Europe/Oslo local time instead of UTC', async function () {
      server.answerInZone = 'W. Europe Standard Time';
      server.seedBusy(kari, new Date('2026-03-29T00:30:00Z'), new Date('2026-03-29T02:30:00Z'), 'busy'); // 01:30 CET → 04:30 CEST
      const { id } = await calendar.createEvent(event({ start: new Date('2026-03-29T07:00:00Z'), end: new Date('2026-03-29T07:45:00Z') }));
      const [s] = await calendar.getSchedules([kari], new Date('2026-03-28T00:00:00Z'), new Date('2026-03-30T00:00:00Z'));
      assert.deepEqual(
        s.busy.map((b) => [b.start.toISOString(), b.end.toISOString()]),
        [
          ['2026-03-29T00:30:00.000Z', '2026-03-29T02:30:00.000Z'],
          ['2026-03-29T07:00:00.000Z', '2026-03-29T07:45:00.000Z'],
        ],
      );
      const read = await calendar.getEvent(kari, id);
      assert.equal(read?.start.toISOString(), '2026-03-29T07:00:00.000Z');
    });
  });

  it('builds the app-only credential path without calling Entra ID', function () {
    const c = new GraphCalendar({ tenantId: '00000000-0000-0000-0000-000000000001', clientId: '00000000-0000-0000-0000-000000000002', clientSecret: 'not-a-secret' });
    assert.ok(c instanceof GraphCalendar);
    assert.equal(server.requests.length, 0);
  });
});
