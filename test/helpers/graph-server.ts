/**
 * A loopback HTTP server that speaks Microsoft Graph's wire format for the calendar calls Veiviser
 * makes (getSchedule, events: create / get / update / cancel / delete), so the Graph adapter is
 * tested through real HTTP with the real Graph client, not against stubs of it.
 *
 * What it does like Graph:
 * - keeps events per mailbox in memory; getSchedule reflects them (and seeded busy items and
 *   working hours); cancel moves an event to Deleted Items, after which its id no longer resolves
 *   (Graph's default ids change when an item changes folder) and its time is free again;
 * - honours `transactionId`: a second create with the same transactionId in the same mailbox gives
 *   back the event the first one made, not a new one;
 * - validates bodies against Graph's documented shapes (types from @microsoft/microsoft-graph-types,
 *   runtime checks with zod: required fields, enums, dateTimeTimeZone, unknown properties) and
 *   answers 400 with Graph's error JSON when a body does not fit; it answers 401 without a bearer
 *   token, honours `Prefer: outlook.timezone`, and enforces at most 4 concurrent requests per mailbox
 *   with 429 (Exchange's MailboxConcurrency limit);
 * - can be scripted to answer 429 with Retry-After, 503, 504 or 403 for the next N requests
 *   (optionally after doing the work, as when a response is lost);
 * - records every request (method, path, query, headers, JSON body) and the status it answered.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as MG from '@microsoft/microsoft-graph-types';
import { DateTime, IANAZone } from 'luxon';
import { findIana } from 'windows-iana';
import { z } from 'zod';

export interface RecordedRequest {
  method: string;
  /** Decoded path without the query, e.g. /v1.0/users/kari@fylke.no/events */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** The mailbox in the URL (/users/{mailbox}/…), lower-cased. */
  mailbox?: string;
  /** The status the server answered. */
  status?: number;
}

export interface Fault {
  status: number;
  /** Seconds for the Retry-After header. */
  retryAfter?: number;
  code?: string;
  /** Do the work first, then answer the fault (a response lost on the way back). */
  afterCommit?: boolean;
  /** Only requests for which this is true take the fault; others pass. */
  match?: (r: RecordedRequest) => boolean;
  /** Answer only after this many milliseconds (a Graph that hangs; the client should time out first). */
  delayMs?: number;
}

export interface StoredEvent {
  id: string;
  mailbox: string;
  subject: string;
  body: MG.ItemBody;
  start: Date;
  end: Date;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  attendees: MG.Attendee[];
  isOnlineMeeting: boolean;
  onlineMeetingProvider: MG.OnlineMeetingProviderType;
  joinUrl?: string;
  location?: MG.Location;
  transactionId?: string;
  allowNewTimeProposals: boolean;
  iCalUId: string;
  webLink: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  /** 'calendar', or 'deleteditems' after cancel or delete (the id then no longer resolves). */
  folder: 'calendar' | 'deleteditems';
  cancelComment?: string;
  /** Set once the Teams meeting is attached (see `teams: 'late'`). */
  joinUrlVisible: boolean;
}

interface SeededItem {
  start: Date;
  end: Date;
  status: MG.FreeBusyStatus;
}

export interface GraphServerOptions {
  /** When set, only `Authorization: Bearer <expectedToken>` is accepted. */
  expectedToken?: string;
  /** Exchange's MailboxConcurrency limit; more in flight for one mailbox gets 429. */
  mailboxConcurrencyLimit?: number;
}

const GRAPH_JSON = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
const DAY_MS = 24 * 60 * 60 * 1000;

// ---------- time zones as Graph writes them ----------

function zoneOf(name: string): string | undefined {
  const n = name.trim();
  if (/^utc$/i.test(n)) return 'UTC';
  if (n.includes('/') && IANAZone.isValidZone(n)) return n;
  return findIana(n, 'NO')[0] ?? findIana(n)[0];
}

function parseDateTimeTimeZone(v: MG.DateTimeTimeZone): Date {
  const zone = zoneOf(v.timeZone ?? '')!;
  return DateTime.fromISO((v.dateTime ?? '').replace(/(\.\d{3})\d+/, '$1'), { zone }).toJSDate();
}

function formatDateTimeTimeZone(d: Date, zoneName: string): MG.DateTimeTimeZone {
  const dt = DateTime.fromJSDate(d, { zone: zoneOf(zoneName) ?? 'UTC' });
  return { dateTime: `${dt.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`, timeZone: zoneName };
}

// ---------- Graph's documented request shapes, checked at run time ----------

/** Graph's enums are matched case-insensitively (its own examples send "HTML" and "Required"). */
function ciEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().transform((s, ctx): T[number] => {
    const hit = values.find((v) => v.toLowerCase() === s.toLowerCase());
    if (hit === undefined) {
      ctx.addIssue({ code: 'custom', message: `Requested value '${s}' was not found (expected one of ${values.join(', ')}).` });
      return z.NEVER;
    }
    return hit;
  });
}

const dateTimeTimeZone = z
  .object({
    dateTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/, 'dateTime must be yyyy-MM-ddTHH:mm:ss[.fffffff] without offset'),
    timeZone: z.string().refine((tz) => zoneOf(tz) !== undefined, 'A valid TimeZone value must be specified.'),
  })
  .strict();

const emailAddress = z.object({ address: z.email(), name: z.string().optional() }).strict();
const attendee = z.object({ emailAddress, type: ciEnum(['required', 'optional', 'resource'] as const) }).strict();
const itemBody = z.object({ contentType: ciEnum(['text', 'html'] as const), content: z.string() }).strict();
const location = z
  .object({
    displayName: z.string(),
    locationType: ciEnum(['default', 'conferenceRoom', 'homeAddress', 'businessAddress', 'geoCoordinates', 'streetAddress', 'hotel', 'restaurant', 'localBusiness', 'postalAddress'] as const).optional(),
    locationEmailAddress: z.email().optional(),
    locationUri: z.string().optional(),
  })
  .strict();

const eventFields = {
  subject: z.string().optional(),
  body: itemBody.optional(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  attendees: z.array(attendee).optional(),
  isOnlineMeeting: z.boolean().optional(),
  onlineMeetingProvider: ciEnum(['teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer', 'unknown'] as const).optional(),
  location: location.optional(),
  transactionId: z.string().min(1).optional(),
  allowNewTimeProposals: z.boolean().optional(),
  showAs: ciEnum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const).optional(),
  isReminderOn: z.boolean().optional(),
  reminderMinutesBeforeStart: z.number().int().optional(),
  responseRequested: z.boolean().optional(),
  categories: z.array(z.string()).optional(),
};
export const eventCreateSchema = z.object(eventFields).strict();
export const eventPatchSchema = z.object(eventFields).partial().strict();
export const getScheduleSchema = z
  .object({
    schedules: z.array(z.email()).min(1).max(20, 'At most 20 schedules per request.'),
    startTime: dateTimeTimeZone,
    endTime: dateTimeTimeZone,
    availabilityViewInterval: z
      .union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)])
      .pipe(z.number().min(5).max(1440))
      .optional(),
  })
  .strict();
export const subscriptionSchema = z.strictObject({
  changeType: z.string().regex(/^(created|updated|deleted)(,(created|updated|deleted))*$/),
  notificationUrl: z.string().url(),
  resource: z.string().regex(/^\/?users\/[^/]+\/events$/i),
  expirationDateTime: z.iso.datetime({ offset: true }),
  clientState: z.string().max(128).optional(),
});
const subscriptionPatchSchema = z.strictObject({ expirationDateTime: z.iso.datetime({ offset: true }) });
const cancelSchema = z.object({ comment: z.string().optional() }).strict();

// Compile-time: what the runtime schemas let through is a Graph `event` by Graph's own types.
const _eventFitsGraph = (v: z.output<typeof eventCreateSchema>): MG.Event => v;
const _patchFitsGraph = (v: z.output<typeof eventPatchSchema>): MG.Event => v;
void _eventFitsGraph;
void _patchFitsGraph;

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** Action parameters (getSchedule, cancel) are accepted with a capital first letter, as Graph's docs show ("Schedules", "Comment"). */
function lowerFirstKeys(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), x]));
}

function validate<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new HttpError(400, 'RequestBodyRead', `Invalid request body at '${first.path.join('.') || '(root)'}': ${first.message}`);
  }
  return r.data;
}

function newId(): string {
  return `AAMkAD${randomBytes(33).toString('base64url')}=`;
}

export class GraphServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests answered 4xx because their body or headers did not fit Graph (tests assert none). */
  readonly rejected: Array<{ method: string; path: string; status: number; code: string; message: string }> = [];
  /** Milliseconds every request is held before it is answered (to measure concurrency). */
  latencyMs = 0;
  /** 'on': joinUrl in the create response; 'late': only on a later GET; 'off': no Teams meeting (isOnlineMeeting false). */
  teams: 'on' | 'late' | 'off' = 'on';
  /** 429s answered because a mailbox had too many requests in flight. */
  concurrencyRejections = 0;
  /** Answer times in this zone whatever `Prefer: outlook.timezone` asks (to test conversion of Graph's local times). */
  answerInZone?: string;

  private server?: Server;
  private readonly events = new Map<string, Map<string, StoredEvent>>();
  private readonly transactions = new Map<string, Map<string, string>>();
  private readonly seeded = new Map<string, SeededItem[]>();
  private readonly workingHours = new Map<string, MG.WorkingHours>();
  private readonly unknownMailboxes = new Set<string>();
  private readonly faults: Array<Fault & { remaining: number }> = [];
  private readonly inFlight = new Map<string, number>();
  private readonly maxInFlightByMailbox = new Map<string, number>();
  private readonly expectedToken?: string;
  private readonly concurrencyLimit: number;

  private constructor(options: GraphServerOptions) {
    this.expectedToken = options.expectedToken;
    this.concurrencyLimit = options.mailboxConcurrencyLimit ?? 4;
  }

  static async start(options: GraphServerOptions = {}): Promise<GraphServer> {
    const s = new GraphServer(options);
    s.server = createServer((req, res) => {
      s.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => s.server!.listen(0, '127.0.0.1', resolve));
    return s;
  }

  /** The Graph root to give the adapter, e.g. http://127.0.0.1:40123/v1.0 */
  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1.0`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  // ---------- seeding and scripting ----------

  seedBusy(mailbox: string, start: Date, end: Date, status: MG.FreeBusyStatus = 'busy'): void {
    const key = mailbox.toLowerCase();
    this.seeded.set(key, [...(this.seeded.get(key) ?? []), { start, end, status }]);
  }

  setWorkingHours(mailbox: string, wh: MG.WorkingHours): void {
    this.workingHours.set(mailbox.toLowerCase(), wh);
  }

  /** getSchedule answers this mailbox with a per-schedule error (as for an address Exchange does not know). */
  markUnknown(mailbox: string): void {
    this.unknownMailboxes.add(mailbox.toLowerCase());
  }

  /** The next `times` requests (that `fault.match` accepts) are answered with the fault. */
  failNext(times: number, fault: Fault): void {
    this.faults.push({ ...fault, remaining: times });
  }

  /** Events of a mailbox that are in its calendar (not cancelled or deleted), or all with `includeDeleted`. */
  eventsOf(mailbox: string, includeDeleted = false): StoredEvent[] {
    return [...(this.events.get(mailbox.toLowerCase())?.values() ?? [])].filter((e) => includeDeleted || e.folder === 'calendar');
  }

  /** The counsellor drags the event in Outlook. */
  outlookMove(mailbox: string, id: string, start: Date, end: Date): void {
    const ev = this.find(mailbox, id);
    ev.start = start;
    ev.end = end;
    this.touch(ev);
  }

  /** The counsellor deletes the event in Outlook: it moves to Deleted Items and its id stops resolving. */
  outlookDelete(mailbox: string, id: string): void {
    this.find(mailbox, id).folder = 'deleteditems';
  }

  /** The most requests that were in flight at once for a mailbox (the mailbox in the URL). */
  maxInFlight(mailbox: string): number {
    return this.maxInFlightByMailbox.get(mailbox.toLowerCase()) ?? 0;
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  // ---------- HTTP ----------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => resolve(data));
    });
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: `/${segments.join('/')}`,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: req.headers,
      body: undefined,
      mailbox: segments[1] === 'users' && segments[2] ? segments[2].toLowerCase() : undefined,
    };
    this.requests.push(record);

    const mailbox = record.mailbox;
    if (mailbox) {
      const n = (this.inFlight.get(mailbox) ?? 0) + 1;
      this.inFlight.set(mailbox, n);
      this.maxInFlightByMailbox.set(mailbox, Math.max(n, this.maxInFlightByMailbox.get(mailbox) ?? 0));
    }
    const requestId = randomUUID();
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (mailbox) this.inFlight.set(mailbox, (this.inFlight.get(mailbox) ?? 1) - 1);
      const h: Record<string, string> = { 'request-id': requestId, 'client-request-id': String(req.headers['client-request-id'] ?? requestId), ...headers };
      if (body === undefined) {
        res.writeHead(status, h);
        res.end();
      } else {
        res.writeHead(status, { ...h, 'content-type': GRAPH_JSON });
        res.end(JSON.stringify(body));
      }
    };
    const sendError = (e: HttpError) => {
      if (e.status === 400 || e.status === 401 || e.status === 415) {
        this.rejected.push({ method: record.method, path: record.path, status: e.status, code: e.code, message: e.message });
      }
      send(e.status, { error: { code: e.code, message: e.message, innerError: { date: new Date().toISOString(), 'request-id': requestId, 'client-request-id': requestId } } }, e.headers);
    };

    try {
      if (mailbox && (this.inFlight.get(mailbox) ?? 0) > this.concurrencyLimit) {
        this.concurrencyRejections++;
        throw new HttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': '1' });
      }
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

      const auth = String(req.headers.authorization ?? '');
      const token = /^Bearer (.+)$/.exec(auth)?.[1];
      if (!token) throw new HttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      if (this.expectedToken !== undefined && token !== this.expectedToken) throw new HttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');

      if (raw.length > 0) {
        if (!String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
          throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
        }
        try {
          record.body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'BadRequest', 'Unable to read JSON request payload.');
        }
      }

      const fault = this.takeFault(record);
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs).unref());
      if (fault && !fault.afterCommit) throw this.faultError(fault);
      const answer = await this.route(record, segments, req.headers);
      if (fault) throw this.faultError(fault);
      send(answer.status, answer.body);
    } catch (err) {
      if (err instanceof HttpError) sendError(err);
      else sendError(new HttpError(500, 'generalException', err instanceof Error ? err.message : String(err)));
    }
  }

  private takeFault(r: RecordedRequest): Fault | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (!x.match || x.match(r)));
    if (!f) return undefined;
    f.remaining--;
    return f;
  }

  private faultError(f: Fault): HttpError {
    const headers: Record<string, string> = f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {};
    const code = f.code ?? (f.status === 429 ? 'TooManyRequests' : f.status === 503 ? 'serviceNotAvailable' : f.status === 504 ? 'UnknownError' : f.status === 403 ? 'ErrorAccessDenied' : 'generalException');
    const message =
      f.status === 429 ? 'Too many requests.' : f.status === 403 ? 'Access is denied. Check credentials and try again.' : f.status === 503 ? 'Service unavailable.' : 'Error.';
    return new HttpError(f.status, code, message, headers);
  }

  private route(r: RecordedRequest, seg: string[], headers: IncomingHttpHeaders): { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }> {
    const zone = this.answerInZone ?? preferredZone(headers);
    if (seg[0] === 'v1.0' && seg[1] === 'subscriptions') return this.subscriptionRoute(r, seg.slice(2));
    // seg: v1.0 users {mailbox} …
    if (seg[0] !== 'v1.0' || seg[1] !== 'users' || !seg[2]) throw new HttpError(400, 'BadRequest', `Resource not found for the segment '${seg[1] ?? ''}'.`);
    const mailbox = seg[2].toLowerCase();
    const rest = seg.slice(3);
    if (r.method === 'POST' && rest.length === 2 && rest[0] === 'calendar' && rest[1].toLowerCase() === 'getschedule') {
      return { status: 200, body: this.getSchedule(validate(getScheduleSchema, lowerFirstKeys(r.body)), zone) };
    }
    if (rest[0] !== 'events') throw new HttpError(400, 'BadRequest', `Resource not found for the segment '${rest[0] ?? ''}'.`);
    if (r.method === 'POST' && rest.length === 1) return this.createEvent(mailbox, validate(eventCreateSchema, r.body), zone);
    if (rest.length < 2) throw new HttpError(405, 'BadRequest', 'The request method is not supported here.');
    const id = rest[1];
    if (r.method === 'GET' && rest.length === 2) return { status: 200, body: this.select(this.toResource(this.find(mailbox, id), zone), r.query.$select) };
    if (r.method === 'PATCH' && rest.length === 2) return { status: 200, body: this.toResource(this.patchEvent(mailbox, id, validate(eventPatchSchema, r.body)), zone) };
    if (r.method === 'DELETE' && rest.length === 2) {
      this.find(mailbox, id).folder = 'deleteditems';
      return { status: 204 };
    }
    if (r.method === 'POST' && rest.length === 3 && rest[2].toLowerCase() === 'cancel') {
      const { comment } = validate(cancelSchema, lowerFirstKeys(r.body ?? {}));
      const ev = this.find(mailbox, id);
      ev.cancelComment = comment;
      ev.folder = 'deleteditems';
      return { status: 202 };
    }
    throw new HttpError(400, 'BadRequest', 'Unsupported request.');
  }

  /** Change-notification subscriptions, as Graph keeps them. */
  readonly subscriptions = new Map<string, { id: string; resource: string; notificationUrl: string; clientState?: string; expirationDateTime: string; changeType: string }>();
  private subscriptionRoute(r: RecordedRequest, rest: string[]): { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }> {
    if (r.method === 'POST' && rest.length === 0) {
      const body = validate(subscriptionSchema, r.body);
      const id = `sub-${this.subscriptions.size + 1}`;
      // Graph validates the notification URL before it creates the subscription: it must echo the token within 10 s.
      const token = `validation-${id}`;
      return (async () => {
        const res = await fetch(`${body.notificationUrl}${body.notificationUrl.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        if (res.status !== 200 || text !== token || !(res.headers.get('content-type') ?? '').startsWith('text/plain')) throw new HttpError(400, 'ValidationError', 'Subscription validation request failed. Response must exactly match validationToken query parameter.');
        const sub = { id, resource: body.resource, notificationUrl: body.notificationUrl, clientState: body.clientState, expirationDateTime: body.expirationDateTime, changeType: body.changeType };
        this.subscriptions.set(id, sub);
        return { status: 201, body: sub };
      })();
    }
    const sub = rest[0] ? this.subscriptions.get(rest[0]) : undefined;
    if (!sub) throw new HttpError(404, 'ResourceNotFound', 'The object was not found.');
    if (r.method === 'PATCH' && rest.length === 1) {
      sub.expirationDateTime = validate(subscriptionPatchSchema, r.body).expirationDateTime;
      return { status: 200, body: sub };
    }
    throw new HttpError(400, 'BadRequest', 'Unsupported request.');
  }

  /** Sends Graph's change notification for an event to every subscription on its mailbox (as Outlook would after a change). */
  async notify(mailbox: string, eventId: string, changeType: 'updated' | 'deleted', clientStateOverride?: string): Promise<number[]> {
    const statuses: number[] = [];
    for (const sub of this.subscriptions.values()) {
      if (sub.resource.toLowerCase() !== `/users/${mailbox.toLowerCase()}/events`) continue;
      const value = [{ subscriptionId: sub.id, clientState: clientStateOverride ?? sub.clientState, changeType, resource: `Users/${mailbox}/Events/${eventId}`, resourceData: { '@odata.type': '#Microsoft.Graph.Event', id: eventId }, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId: 'tenant-test' }];
      const res = await fetch(sub.notificationUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
      statuses.push(res.status);
    }
    return statuses;
  }

  private getSchedule(body: z.output<typeof getScheduleSchema>, zone: string): { value: MG.ScheduleInformation[] } {
    const start = parseDateTimeTimeZone(body.startTime);
    const end = parseDateTimeTimeZone(body.endTime);
    if (!(start < end)) throw new HttpError(400, 'ErrorInvalidParameter', 'The end time must be after the start time.');
    if (end.getTime() - start.getTime() >= 62 * DAY_MS) throw new HttpError(400, 'ErrorInvalidParameter', 'The requested time duration is too long (62 days or more).');
    const interval = body.availabilityViewInterval ?? 30;
    return {
      value: body.schedules.map((address): MG.ScheduleInformation => {
        const key = address.toLowerCase();
        if (this.unknownMailboxes.has(key)) {
          return { scheduleId: address, availabilityView: '', scheduleItems: [], error: { message: `The requested user '${address}' is invalid.`, responseCode: 'ErrorInvalidUser' } };
        }
        const items: SeededItem[] = [
          ...(this.seeded.get(key) ?? []),
          ...this.eventsOf(key).map((e) => ({ start: e.start, end: e.end, status: 'busy' as const })),
        ].filter((i) => i.start < end && i.end > start);
        items.sort((a, b) => a.start.getTime() - b.start.getTime());
        const info: MG.ScheduleInformation = {
          scheduleId: address,
          availabilityView: availabilityView(items, start, end, interval),
          scheduleItems: items.map((i): MG.ScheduleItem => ({ isPrivate: false, status: i.status, start: formatDateTimeTimeZone(i.start, zone), end: formatDateTimeTimeZone(i.end, zone) })),
        };
        const wh = this.workingHours.get(key);
        if (wh) info.workingHours = wh;
        return info;
      }),
    };
  }

  private createEvent(mailbox: string, body: z.output<typeof eventCreateSchema>, zone: string): { status: number; body: MG.Event } {
    const txs = this.transactions.get(mailbox) ?? new Map<string, string>();
    this.transactions.set(mailbox, txs);
    if (body.transactionId && txs.has(body.transactionId)) {
      const existing = this.events.get(mailbox)!.get(txs.get(body.transactionId)!)!;
      return { status: 201, body: this.toResource(existing, zone) };
    }
    const start = parseDateTimeTimeZone(body.start);
    const end = parseDateTimeTimeZone(body.end);
    if (!(start < end)) throw new HttpError(400, 'ErrorInvalidRequest', 'The end time must be after the start time.');
    const id = newId();
    const now = new Date().toISOString();
    const online = body.isOnlineMeeting === true && this.teams !== 'off';
    const provider: MG.OnlineMeetingProviderType = online ? (body.onlineMeetingProvider ?? 'teamsForBusiness') : 'unknown';
    const ev: StoredEvent = {
      id,
      mailbox,
      subject: body.subject ?? '',
      body: { contentType: 'html', content: `<html><head></head><body>${body.body?.content ?? ''}</body></html>` },
      start,
      end,
      originalStartTimeZone: body.start.timeZone ?? 'UTC',
      originalEndTimeZone: body.end.timeZone ?? 'UTC',
      attendees: (body.attendees ?? []).map((a) => ({ ...a, status: { response: 'none', time: '0001-01-01T00:00:00Z' } })),
      isOnlineMeeting: online,
      onlineMeetingProvider: provider,
      joinUrl: online && provider === 'teamsForBusiness' ? `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(24).toString('base64url')}%40thread.v2/0?context=%7b%22Tid%22%3a%22${randomUUID()}%22%7d` : undefined,
      joinUrlVisible: this.teams === 'on',
      location: body.location,
      transactionId: body.transactionId,
      allowNewTimeProposals: body.allowNewTimeProposals ?? true,
      iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(28).toString('hex').toUpperCase()}`,
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: randomBytes(12).toString('base64'),
      folder: 'calendar',
    };
    const map = this.events.get(mailbox) ?? new Map<string, StoredEvent>();
    map.set(id, ev);
    this.events.set(mailbox, map);
    if (body.transactionId) txs.set(body.transactionId, id);
    const resource = this.toResource(ev, zone);
    ev.joinUrlVisible = Boolean(ev.joinUrl); // 'late': the meeting shows up from the next read on
    return { status: 201, body: resource };
  }

  private patchEvent(mailbox: string, id: string, patch: z.output<typeof eventPatchSchema>): StoredEvent {
    const ev = this.find(mailbox, id);
    if (patch.transactionId !== undefined && patch.transactionId !== ev.transactionId) {
      throw new HttpError(400, 'ErrorInvalidRequest', 'transactionId cannot be changed after the event was created.');
    }
    if (patch.subject !== undefined) ev.subject = patch.subject;
    if (patch.body) ev.body = { contentType: 'html', content: `<html><head></head><body>${patch.body.content}</body></html>` };
    const start = patch.start ? parseDateTimeTimeZone(patch.start) : ev.start;
    const end = patch.end ? parseDateTimeTimeZone(patch.end) : ev.end;
    if (!(start < end)) throw new HttpError(400, 'ErrorInvalidRequest', 'The end time must be after the start time.');
    ev.start = start;
    ev.end = end;
    if (patch.location) ev.location = patch.location;
    if (patch.attendees) ev.attendees = patch.attendees;
    this.touch(ev);
    return ev;
  }

  private find(mailbox: string, id: string): StoredEvent {
    const ev = this.events.get(mailbox.toLowerCase())?.get(id);
    if (!ev || ev.folder !== 'calendar') throw new HttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return ev;
  }

  private touch(ev: StoredEvent): void {
    ev.lastModifiedDateTime = new Date().toISOString();
    ev.changeKey = randomBytes(12).toString('base64');
  }

  private toResource(ev: StoredEvent, zone: string): MG.Event {
    return {
      id: ev.id,
      createdDateTime: ev.createdDateTime,
      lastModifiedDateTime: ev.lastModifiedDateTime,
      changeKey: ev.changeKey,
      transactionId: ev.transactionId ?? null,
      originalStartTimeZone: ev.originalStartTimeZone,
      originalEndTimeZone: ev.originalEndTimeZone,
      iCalUId: ev.iCalUId,
      subject: ev.subject,
      body: ev.body,
      start: formatDateTimeTimeZone(ev.start, zone),
      end: formatDateTimeTimeZone(ev.end, zone),
      location: ev.location ? { displayName: ev.location.displayName, locationType: 'default' } : { displayName: '', locationType: 'default' },
      attendees: ev.attendees,
      isAllDay: false,
      isCancelled: false,
      isOrganizer: true,
      showAs: 'busy',
      type: 'singleInstance',
      webLink: ev.webLink,
      allowNewTimeProposals: ev.allowNewTimeProposals,
      isOnlineMeeting: ev.isOnlineMeeting,
      onlineMeetingProvider: ev.onlineMeetingProvider,
      onlineMeeting: ev.joinUrl && ev.joinUrlVisible ? { joinUrl: ev.joinUrl } : null,
      responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
      organizer: { emailAddress: { address: ev.mailbox } },
    };
  }

  private select(resource: MG.Event, select: string | undefined): MG.Event {
    if (!select) return resource;
    const keep = new Set(['id', ...select.split(',').map((s) => s.trim())]);
    return Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k))) as MG.Event;
  }
}

/** The zone of `Prefer: outlook.timezone="…"` (UTC when absent), as Graph answers in it. */
function preferredZone(headers: IncomingHttpHeaders): string {
  const prefer = ([] as string[]).concat(headers.prefer ?? []).join(',');
  const m = /outlook\.timezone\s*=\s*"([^"]+)"/i.exec(prefer);
  if (!m) return 'UTC';
  if (!zoneOf(m[1])) throw new HttpError(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${m[1]}'.`);
  return m[1];
}

function availabilityView(items: SeededItem[], start: Date, end: Date, intervalMinutes: number): string {
  const rank: Record<string, number> = { free: 0, workingElsewhere: 0, unknown: 0, tentative: 1, busy: 2, oof: 3 };
  let view = '';
  for (let t = start.getTime(); t < end.getTime(); t += intervalMinutes * 60_000) {
    const slotEnd = t + intervalMinutes * 60_000;
    let v = 0;
    for (const i of items) if (i.start.getTime() < slotEnd && i.end.getTime() > t) v = Math.max(v, rank[i.status] ?? 0);
    view += String(v);
  }
  return view;
}
