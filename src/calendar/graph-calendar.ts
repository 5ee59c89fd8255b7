/**
 * The Calendar port on Microsoft Graph (app-only): free/busy and working hours with
 * `POST /users/{id}/calendar/getSchedule`, events with `POST /users/{id}/events`, `PATCH`,
 * `POST …/cancel` and `GET`.
 *
 * Choices worth knowing:
 * - Every instant goes over the wire as a `dateTimeTimeZone` in **UTC** (requests) and every
 *   response is asked for in UTC (`Prefer: outlook.timezone="UTC"`). Graph's `dateTime` has no
 *   offset, so a local zone would make the wall times of the daylight-saving changes ambiguous
 *   (02:30 on 25 October happens twice in Europe/Oslo, 02:30 on 29 March never); UTC has neither,
 *   a window of N×24 h is exactly N days (the 62-day limit), and no Windows zone names are needed
 *   for events. Europe/Oslo is for showing times to people, which the booking flow does.
 *   Responses are still converted by the zone they name (UTC, IANA or Windows), in case Graph
 *   answers in another zone.
 * - Event ids are Graph's default ids, not immutable ids, on purpose: an event cancelled or deleted
 *   in Outlook moves to Deleted Items and its default id stops resolving, so `getEvent` returns
 *   `undefined` for it ("gone"), which is what the periodic sync needs to notice.
 * - Throttling (429/503/504) is retried by the Graph client's own RetryHandler, which honours
 *   `Retry-After`; a `Retry-After` longer than `maxRetryAfterSeconds` is not waited for (the call
 *   fails with a retryable CalendarError instead of holding a user's request for minutes).
 *   At most `maxConcurrentPerMailbox` requests are in flight per mailbox (Exchange allows 4).
 * - Requests carry the bearer token only to the configured base URL (own middleware instead of the
 *   client's AuthenticationHandler, which only recognises https Graph hosts and so could not be
 *   tested against a loopback server).
 */
import { ClientSecretCredential } from '@azure/identity';
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { DateTime, IANAZone } from 'luxon';
import pLimit, { type LimitFunction } from 'p-limit';
import { pino, type Logger } from 'pino';
import { findIana } from 'windows-iana';
import {
  CalendarError,
  type BusyInterval,
  type BusyStatus,
  type Calendar,
  type CreatedEvent,
  type EventState,
  type NewEvent,
  type Schedule,
  type WorkingHours,
} from './calendar.js';

/** Graph's documented limits for getSchedule. */
export const MAX_SCHEDULES_PER_CALL = 20;
/** Windows are cut into pieces of at most this many days (Graph wants under 62). */
export const MAX_WINDOW_DAYS = 61;
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** The resolution of Graph's availabilityView string; we read scheduleItems, so a coarse view keeps answers small. */
export const AVAILABILITY_VIEW_INTERVAL_MINUTES = 60;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface GraphCalendarCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

interface GraphCalendarCommon {
  /** Graph root including the version, e.g. https://graph.microsoft.com/v1.0 (tests: a loopback server). */
  baseUrl?: string;
  /** Requests in flight per mailbox (Exchange's MailboxConcurrency limit is 4). */
  maxConcurrentPerMailbox?: number;
  /** Retries of 429/503/504 by the Graph client's RetryHandler. */
  maxRetries?: number;
  /** Back-off (seconds) when a throttled answer has no Retry-After; the client grows it per attempt. */
  retryDelaySeconds?: number;
  /** A Retry-After longer than this is not waited for: the call fails, retryable. */
  maxRetryAfterSeconds?: number;
  /** Budget for one call including its retries. */
  timeoutMs?: number;
  /** Zone used for working hours whose zone Graph names in a way we cannot map (a custom zone). */
  defaultTimeZone?: string;
  /** Territory preferred when a Windows zone name maps to several IANA zones ("W. Europe Standard Time" → Europe/Oslo). */
  territory?: string;
  /** Structured logs: ids, counts and status codes only (no addresses, subjects or bodies). */
  logger?: Logger;
}

export type GraphCalendarOptions = GraphCalendarCommon & (GraphCalendarCredentials | { authProvider: AuthenticationProvider });

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

interface GraphScheduleItem {
  status?: string | null;
  start?: DateTimeTimeZone | null;
  end?: DateTimeTimeZone | null;
}

interface GraphScheduleInformation {
  scheduleId?: string | null;
  scheduleItems?: GraphScheduleItem[] | null;
  workingHours?: {
    daysOfWeek?: string[] | null;
    startTime?: string | null;
    endTime?: string | null;
    timeZone?: { name?: string | null } | null;
  } | null;
  error?: { message?: string | null; responseCode?: string | null } | null;
}

interface GraphEvent {
  id?: string;
  start?: DateTimeTimeZone | null;
  end?: DateTimeTimeZone | null;
  isCancelled?: boolean | null;
  webLink?: string | null;
  iCalUId?: string | null;
  onlineMeeting?: { joinUrl?: string | null } | null;
}

const WEEKDAYS: Record<string, number> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };
const STATUSES: Record<string, BusyStatus> = {
  free: 'free',
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  workingelsewhere: 'workingElsewhere',
  unknown: 'unknown',
};

/** Graph's free/busy status, case-insensitively, as the port's status. */
export function toBusyStatus(status: string | null | undefined): BusyStatus {
  return STATUSES[(status ?? '').toLowerCase()] ?? 'unknown';
}

/** An instant as Graph's dateTimeTimeZone in UTC. */
export function toGraphDateTime(d: Date): DateTimeTimeZone {
  return { dateTime: d.toISOString().replace(/Z$/, ''), timeZone: 'UTC' };
}

/**
 * The IANA zone for a zone name as Graph writes it: "UTC", an IANA name, or a Windows name
 * ("W. Europe Standard Time"). Undefined when it cannot be mapped (e.g. "Customized Time Zone").
 */
export function toIanaZone(name: string | null | undefined, territory = 'NO'): string | undefined {
  if (!name) return undefined;
  const trimmed = name.trim();
  if (/^(utc|etc\/utc|gmt|z)$/i.test(trimmed)) return 'UTC';
  if (IANAZone.isValidZone(trimmed) && trimmed.includes('/')) return trimmed;
  const mapped = findIana(trimmed, territory)[0] ?? findIana(trimmed)[0];
  if (mapped) return mapped === 'Etc/UTC' ? 'UTC' : mapped;
  return IANAZone.isValidZone(trimmed) ? trimmed : undefined;
}

/**
 * Graph's dateTimeTimeZone (a wall time without offset plus the zone it is in) as an instant.
 * Seven fractional digits ("12:00:00.0000000") are accepted; an explicit offset in the string wins.
 */
export function fromGraphDateTime(v: DateTimeTimeZone, territory = 'NO'): Date {
  const zone = toIanaZone(v.timeZone, territory);
  if (!zone) throw new CalendarError(`Graph answered in an unknown time zone (${v.timeZone})`);
  const text = v.dateTime.replace(/(\.\d{3})\d+/, '$1');
  const dt = DateTime.fromISO(text, { zone });
  if (!dt.isValid) throw new CalendarError(`Graph answered an unreadable dateTime (${dt.invalidReason ?? 'invalid'})`);
  return dt.toJSDate();
}

/** "08:00:00.0000000" → "08:00"; keeps seconds when they are not zero. */
function toLocalTime(t: string | null | undefined): string {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(t ?? '');
  if (!m) return '';
  const hh = m[1].padStart(2, '0');
  return m[3] && m[3] !== '00' ? `${hh}:${m[2]}:${m[3]}` : `${hh}:${m[2]}`;
}

/** Whether a failure may succeed when tried again (throttling, server trouble, the network). */
function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === -1 || status === 408 || status === 429 || status >= 500;
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const v = headers?.get('Retry-After');
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - Date.now()) / 1000));
}

/** Adds the bearer token to requests for the configured Graph root, and to nothing else. */
class BaseUrlAuthenticationHandler implements Middleware {
  private next?: Middleware;
  constructor(private readonly provider: AuthenticationProvider, private readonly root: string) {}
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = (context.options ??= {});
    const forGraph = url.toLowerCase().startsWith(this.root.toLowerCase());
    const bearer = forGraph ? `Bearer ${await this.provider.getAccessToken()}` : undefined;
    if (options.headers instanceof Headers) {
      if (bearer) options.headers.set('Authorization', bearer);
      else options.headers.delete('Authorization');
    } else {
      const headers = { ...((options.headers ?? {}) as Record<string, string>) };
      if (bearer) headers.Authorization = bearer;
      else delete headers.Authorization;
      options.headers = headers;
    }
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Logs each attempt that Graph answered with an error status (after the RetryHandler, so retries show). */
class AttemptLogger implements Middleware {
  private next?: Middleware;
  constructor(private readonly log: Logger) {}
  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    const status = context.response?.status ?? 0;
    if (status >= 400) {
      const headers = (context.options?.headers ?? {}) as Record<string, string>;
      this.log.warn(
        { event: 'graph-attempt-failed', method: context.options?.method, status, attempt: Number(headers['Retry-Attempt'] ?? 0), retryAfter: context.response?.headers.get('Retry-After') ?? undefined },
        'graph attempt failed',
      );
    }
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

export class GraphCalendar implements Calendar {
  private readonly client: Client;
  private readonly log: Logger;
  private readonly limits = new Map<string, LimitFunction>();
  private readonly maxConcurrentPerMailbox: number;
  private readonly timeoutMs: number;
  private readonly defaultTimeZone: string;
  private readonly territory: string;

  constructor(options: GraphCalendarOptions) {
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'graph-calendar' });
    this.maxConcurrentPerMailbox = options.maxConcurrentPerMailbox ?? 4;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.defaultTimeZone = options.defaultTimeZone ?? 'Europe/Oslo';
    this.territory = options.territory ?? 'NO';
    if (this.maxConcurrentPerMailbox < 1) throw new RangeError('maxConcurrentPerMailbox must be at least 1');

    const authProvider: AuthenticationProvider =
      'authProvider' in options
        ? options.authProvider
        : new TokenCredentialAuthenticationProvider(new ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret), {
            scopes: [GRAPH_SCOPE],
          });

    const root = new URL(options.baseUrl ?? 'https://graph.microsoft.com/v1.0');
    const segments = root.pathname.split('/').filter(Boolean);
    const version = segments.pop() ?? 'v1.0';
    const host = root.origin + (segments.length ? `/${segments.join('/')}` : '');

    const maxRetryAfter = options.maxRetryAfterSeconds ?? 30;
    const retryOptions = new RetryHandlerOptions(options.retryDelaySeconds ?? 3, options.maxRetries ?? 3, (_delay, _attempt, _req, _opts, response) => {
      const wait = retryAfterSeconds(response.headers);
      return wait === undefined || wait <= maxRetryAfter;
    });
    const auth = new BaseUrlAuthenticationHandler(authProvider, `${host}/${version}/`);
    const retry = new RetryHandler(retryOptions);
    const attempts = new AttemptLogger(this.log);
    const redirect = new RedirectHandler(new RedirectHandlerOptions());
    const telemetry = new TelemetryHandler();
    const http = new HTTPMessageHandler();
    auth.setNext(retry);
    retry.setNext(attempts);
    attempts.setNext(redirect);
    redirect.setNext(telemetry);
    telemetry.setNext(http);
    this.client = Client.initWithMiddleware({ middleware: auth, baseUrl: host, defaultVersion: version });
  }

  async getSchedules(mailboxes: string[], from: Date, to: Date): Promise<Schedule[]> {
    if (!(from.getTime() < to.getTime())) throw new CalendarError('getSchedules: "from" must be before "to"');
    const unique: string[] = [];
    const seen = new Set<string>();
    for (const m of mailboxes) {
      if (!seen.has(m.toLowerCase())) {
        seen.add(m.toLowerCase());
        unique.push(m);
      }
    }
    if (unique.length === 0) return [];

    const batches: string[][] = [];
    for (let i = 0; i < unique.length; i += MAX_SCHEDULES_PER_CALL) batches.push(unique.slice(i, i + MAX_SCHEDULES_PER_CALL));
    const windows: Array<[Date, Date]> = [];
    for (let t = from.getTime(); t < to.getTime(); t += MAX_WINDOW_DAYS * DAY_MS) {
      windows.push([new Date(t), new Date(Math.min(t + MAX_WINDOW_DAYS * DAY_MS, to.getTime()))]);
    }

    const results = new Map<string, { busy: Map<string, BusyInterval>; workingHours?: WorkingHours; errors: Set<string> }>();
    for (const m of unique) results.set(m.toLowerCase(), { busy: new Map(), errors: new Set() });

    const calls = batches.flatMap((batch) => windows.map(([start, end]) => ({ batch, start, end })));
    const failures: CalendarError[] = [];
    await Promise.all(
      calls.map(async ({ batch, start, end }) => {
        let value: GraphScheduleInformation[];
        try {
          // The anchor (the mailbox in the URL) is the batch's first: Exchange counts concurrency there.
          const answer = (await this.call('getSchedule', batch[0], (api) =>
            api(`/users/${encodeURIComponent(batch[0])}/calendar/getSchedule`).post({
              schedules: batch,
              startTime: toGraphDateTime(start),
              endTime: toGraphDateTime(end),
              availabilityViewInterval: AVAILABILITY_VIEW_INTERVAL_MINUTES,
            }),
          )) as { value?: GraphScheduleInformation[] } | undefined;
          value = answer?.value ?? [];
        } catch (err) {
          const e = err instanceof CalendarError ? err : new CalendarError(String(err), undefined, true);
          failures.push(e);
          for (const m of batch) results.get(m.toLowerCase())!.errors.add(`getSchedule failed (${e.status ?? 'network'})`);
          return;
        }
        const byId = new Map<string, GraphScheduleInformation>();
        for (const info of value) if (info.scheduleId) byId.set(info.scheduleId.toLowerCase(), info);
        for (const m of batch) {
          const r = results.get(m.toLowerCase())!;
          const info = byId.get(m.toLowerCase());
          if (!info) {
            r.errors.add('no answer for this mailbox');
            continue;
          }
          if (info.error) {
            r.errors.add([info.error.responseCode, info.error.message].filter(Boolean).join(': ') || 'error');
            continue;
          }
          try {
            for (const item of info.scheduleItems ?? []) {
              if (!item.start || !item.end) continue;
              const interval: BusyInterval = {
                start: fromGraphDateTime(item.start, this.territory),
                end: fromGraphDateTime(item.end, this.territory),
                status: toBusyStatus(item.status),
              };
              r.busy.set(`${interval.start.getTime()}|${interval.end.getTime()}|${interval.status}`, interval);
            }
          } catch (err) {
            r.errors.add(err instanceof Error ? err.message : 'unreadable schedule');
            continue;
          }
          if (!r.workingHours && info.workingHours) r.workingHours = this.toWorkingHours(info.workingHours);
        }
      }),
    );
    if (failures.length === calls.length) throw failures[0];
    this.log.info({ event: 'graph-schedules', mailboxes: unique.length, calls: calls.length, failedCalls: failures.length }, 'schedules read');

    return unique.map((m) => {
      const r = results.get(m.toLowerCase())!;
      const schedule: Schedule = { mailbox: m, busy: [...r.busy.values()].sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime()) };
      if (r.workingHours) schedule.workingHours = r.workingHours;
      if (r.errors.size) schedule.error = [...r.errors].join('; ');
      return schedule;
    });
  }

  async createEvent(e: NewEvent): Promise<CreatedEvent> {
    if (!e.transactionId) throw new CalendarError('createEvent needs a transactionId');
    const body = {
      subject: e.subject,
      body: { contentType: 'html', content: e.bodyHtml },
      start: toGraphDateTime(e.start),
      end: toGraphDateTime(e.end),
      attendees: e.attendees.map((a) => ({ emailAddress: a.name ? { address: a.email, name: a.name } : { address: a.email }, type: a.type })),
      isOnlineMeeting: e.online,
      ...(e.online ? { onlineMeetingProvider: 'teamsForBusiness' } : {}),
      ...(e.location ? { location: { displayName: e.location } } : {}),
      allowNewTimeProposals: false,
      transactionId: e.transactionId,
    };
    const created = (await this.call('createEvent', e.mailbox, (api) => api(`/users/${encodeURIComponent(e.mailbox)}/events`).post(body))) as GraphEvent;
    if (!created?.id) throw new CalendarError('Graph created an event without an id', undefined, true);
    let joinUrl = created.onlineMeeting?.joinUrl ?? undefined;
    if (e.online && !joinUrl) {
      // The Teams meeting is sometimes attached a moment after the create answers: ask once more.
      // The event exists either way, so a failure here costs the link, not the booking.
      try {
        const again = (await this.call('getEvent', e.mailbox, (api) =>
          api(`/users/${encodeURIComponent(e.mailbox)}/events/${encodeURIComponent(created.id!)}`).select(['id', 'isOnlineMeeting', 'onlineMeeting']).get(),
        )) as GraphEvent;
        joinUrl = again?.onlineMeeting?.joinUrl ?? undefined;
      } catch {
        joinUrl = undefined;
      }
      if (!joinUrl) this.log.warn({ event: 'graph-teams-link-missing', eventId: created.id }, 'online event has no Teams join URL');
    }
    this.log.info({ event: 'graph-event-created', eventId: created.id, online: e.online, hasJoinUrl: Boolean(joinUrl) }, 'event created');
    const result: CreatedEvent = { id: created.id };
    if (joinUrl) result.joinUrl = joinUrl;
    if (created.webLink) result.webLink = created.webLink;
    if (created.iCalUId) result.iCalUId = created.iCalUId;
    return result;
  }

  async updateEvent(mailbox: string, id: string, patch: { start?: Date; end?: Date; subject?: string; bodyHtml?: string; location?: string }): Promise<void> {
    const body: Record<string, unknown> = {};
    if (patch.subject !== undefined) body.subject = patch.subject;
    if (patch.bodyHtml !== undefined) body.body = { contentType: 'html', content: patch.bodyHtml };
    if (patch.start) body.start = toGraphDateTime(patch.start);
    if (patch.end) body.end = toGraphDateTime(patch.end);
    if (patch.location !== undefined) body.location = { displayName: patch.location };
    if (Object.keys(body).length === 0) return;
    await this.call('updateEvent', mailbox, (api) => api(`/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(id)}`).patch(body));
    this.log.info({ event: 'graph-event-updated', eventId: id, fields: Object.keys(body) }, 'event updated');
  }

  async cancelEvent(mailbox: string, id: string, comment: string): Promise<void> {
    try {
      await this.call('cancelEvent', mailbox, (api) => api(`/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(id)}/cancel`).post({ comment }));
      this.log.info({ event: 'graph-event-cancelled', eventId: id }, 'event cancelled');
    } catch (err) {
      // Already cancelled or deleted (it left the calendar and its id no longer resolves): nothing left to cancel.
      if (err instanceof CalendarError && err.status === 404) {
        this.log.info({ event: 'graph-event-cancel-gone', eventId: id }, 'event to cancel was already gone');
        return;
      }
      throw err;
    }
  }

  async getEvent(mailbox: string, id: string): Promise<EventState | undefined> {
    let ev: GraphEvent;
    try {
      ev = (await this.call('getEvent', mailbox, (api) =>
        api(`/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(id)}`).select(['id', 'start', 'end', 'isCancelled']).get(),
      )) as GraphEvent;
    } catch (err) {
      if (err instanceof CalendarError && err.status === 404) return undefined;
      throw err;
    }
    if (!ev?.start || !ev.end) throw new CalendarError('Graph answered an event without start/end', undefined, true);
    return { id: ev.id ?? id, start: fromGraphDateTime(ev.start, this.territory), end: fromGraphDateTime(ev.end, this.territory), isCancelled: ev.isCancelled === true };
  }

  private toWorkingHours(wh: NonNullable<GraphScheduleInformation['workingHours']>): WorkingHours | undefined {
    const days = (wh.daysOfWeek ?? []).map((d) => WEEKDAYS[d.toLowerCase()]).filter((d): d is number => d !== undefined);
    const startTime = toLocalTime(wh.startTime);
    const endTime = toLocalTime(wh.endTime);
    if (!startTime || !endTime) return undefined;
    let timeZone = toIanaZone(wh.timeZone?.name, this.territory);
    if (!timeZone) {
      this.log.warn({ event: 'graph-working-hours-zone-unknown' }, 'working hours in an unmappable time zone; using the default zone');
      timeZone = this.defaultTimeZone;
    }
    return { daysOfWeek: [...new Set(days)].sort((a, b) => a - b), startTime, endTime, timeZone };
  }

  /**
   * Subscribes to change notifications for a mailbox's events (moved, changed, deleted in
   * Outlook). Graph first calls `notificationUrl` with a validationToken, which must be echoed.
   */
  subscribeToEvents(mailbox: string, notificationUrl: string, clientState: string, expires: Date): Promise<{ id: string; expirationDateTime: string }> {
    return this.call('subscribe', mailbox, (api) =>
      api('/subscriptions').post({ changeType: 'updated,deleted', notificationUrl, resource: `/users/${mailbox}/events`, expirationDateTime: expires.toISOString(), clientState }),
    );
  }

  /** Extends a subscription (event subscriptions live at most about three days). */
  async renewSubscription(mailbox: string, id: string, expires: Date): Promise<void> {
    await this.call('renew-subscription', mailbox, (api) => api(`/subscriptions/${encodeURIComponent(id)}`).patch({ expirationDateTime: expires.toISOString() }));
  }

  /** One Graph call: per-mailbox concurrency, a time budget, the UTC preference, and errors as CalendarError. */
  private call<T>(op: string, mailbox: string, run: (api: (path: string) => ReturnType<Client['api']>) => Promise<T>): Promise<T> {
    const key = mailbox.toLowerCase();
    let limit = this.limits.get(key);
    if (!limit) {
      limit = pLimit(this.maxConcurrentPerMailbox);
      this.limits.set(key, limit);
    }
    return limit(async () => {
      const signal = AbortSignal.timeout(this.timeoutMs);
      const api = (path: string) => this.client.api(path).header('Prefer', 'outlook.timezone="UTC"').option('signal', signal);
      try {
        return await run(api);
      } catch (err) {
        throw this.toCalendarError(op, err);
      }
    });
  }

  private toCalendarError(op: string, err: unknown): CalendarError {
    if (err instanceof CalendarError) return err;
    if (err instanceof GraphError) {
      const status = err.statusCode > 0 ? err.statusCode : undefined;
      const wait = retryAfterSeconds(err.headers);
      const retryable = isRetryableStatus(status);
      this.log.warn({ event: 'graph-call-failed', op, status, code: err.code ?? undefined, requestId: err.requestId ?? undefined, retryable }, 'graph call failed');
      const detail = [status ?? 'network', err.code].filter(Boolean).join(' ');
      return new CalendarError(`Graph ${op} failed (${detail})${wait !== undefined ? `; retry after ${wait} s` : ''}`, status, retryable);
    }
    const name = err instanceof Error ? err.name : 'Error';
    this.log.warn({ event: 'graph-call-failed', op, error: name, retryable: true }, 'graph call failed');
    return new CalendarError(`Graph ${op} failed (${name})`, undefined, true);
  }
}
