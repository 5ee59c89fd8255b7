/**
 * The Teams side of booking: the `book` command and form, slot suggestions ("Andre tider"),
 * the request to the counsellor, and the counsellor's and veileder's answers. Who is a
 * counsellor: a Teams user linked to a directory mailbox with "jeg er rådgiver <navn>" — checked
 * against the user's e-mail in the Teams roster when the bot runs with credentials; accepted as
 * said in local mode (the playground has no real e-mail addresses).
 */
import { userHash } from './ticket-edge.js';
import { dateTime } from '../text/time.nb.js';
import { randomUUID } from 'node:crypto';
import { TeamsInfo, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BookingService, SlotTakenError } from '../booking/booking-service.js';
import { matchCounsellors, offersFormat, TOPICS, type Counsellor, type Topic } from '../booking/counsellors.js';
import { ACTIVE_BOOKING_STATES, type Booking, type BookingEvent } from '../booking/model.js';
import { findSlots, weekKey, ZONE, type Slot } from '../booking/slot-finder.js';
import type { Calendar } from '../calendar/calendar.js';
import { fold } from '../faq/text.js';
import type { OutboxMessage } from '../outbox/types.js';
import type { Store } from '../store/store.js';
import { DomainError } from '../domain-error.js';
import { DateTime } from 'luxon';
import { fieldLabels, findIdentityNumbers, loggableFields, refusalValues, refill } from '../privacy/card-inputs.js';
import { bookingCard, bookingFormCard, bookingTexts, sentence, slotsCard, type BookingDraft } from './booking-cards.js';
import { nb } from './messages.nb.js';
import { conversationKey } from './ticket-edge.js';
import type { EdgeResult } from './ticket-edge.js';

export interface BookingEdgeDeps {
  service: BookingService;
  calendar: Calendar;
  store: Store;
  counsellors: Counsellor[];
  log: Logger;
  /** Local mode (no bot credentials): a user may say which counsellor they are without a roster check. */
  trustCounsellorClaims: boolean;
  notice: { workingDays: number; periodWorkingDays: number; bufferMinutes: number };
  clock?: () => Date;
  kick?: () => void;
  /** A signed link to the talk's .ics file (for a bruker without Teams). */
  icsUrl?: (b: Booking) => string;
  /** Tenants whose veiledere's calendars the app may read (their free/busy then counts too). */
  veilederCalendarTenants?: string[];
}

const opt = <T extends z.ZodTypeAny>(s: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());
const Draft = z.object({
  brukerAlias: z.string().trim().min(1).max(12),
  region: opt(z.string().max(60)),
  format: z.enum(['teams', 'phone', 'inPerson']),
  topic: z.enum(TOPICS),
  duration: z.coerce.number().int().min(30).max(120).default(45),
  interpreterLanguage: opt(z.string().trim().max(40)),
  timeOfDay: z.enum(['any', 'morning', 'afternoon']).default('any'),
  veilederJoins: z.preprocess((v) => v === true || v === 'true', z.boolean()),
  brukerEmail: opt(z.string().trim().email().max(120)),
});
const Ref = z.object({ bookingId: z.string().regex(/^TS-\d{4}-\d{4,6}$/), version: z.coerce.number().int().min(1) });
const Shown = z.array(z.object({ mailbox: z.string().max(200), start: z.string().max(40) })).max(100);

export const counsellorKey = (mailbox: string): string => `counsellor:${mailbox.toLowerCase()}`;

export class BookingEdge {
  private readonly clock: () => Date;
  constructor(private readonly d: BookingEdgeDeps) {
    this.clock = d.clock ?? (() => new Date());
  }

  /** The region this veileder booked in last time, if it is still a region: the form starts there. */
  private async rememberedRegion(ctx: TurnContext): Promise<{ region: string } | undefined> {
    const region = (await this.d.store.getVeilederProfile(userHash(actorId(ctx))))?.region;
    return region && this.regions().includes(region) ? { region } : undefined;
  }

  private async rememberRegion(ctx: TurnContext, region: string): Promise<void> {
    if (!this.regions().includes(region)) return;
    const key = userHash(actorId(ctx));
    const profile = await this.d.store.getVeilederProfile(key);
    if (profile?.region !== region) await this.d.store.saveVeilederProfile({ ...profile, userHash: key, region, updatedAt: this.clock().toISOString() });
  }

  private regions(): string[] {
    return [...new Set(this.d.counsellors.flatMap((c) => c.regions))].sort((a, b) => a.localeCompare(b, 'nb'));
  }

  async onText(ctx: TurnContext, text: string): Promise<boolean> {
    if (ctx.activity.conversation?.conversationType !== 'personal') return false;
    const t = fold(text.toLowerCase()).replace(/[.!?]+$/, '').trim();
    if (/^(book|bestill( en)? (samtale|trepartssamtale)|trepartssamtale)$/.test(t)) {
      await ctx.sendActivity({ attachments: [card(bookingFormCard({ regions: this.regions(), draft: await this.rememberedRegion(ctx) }))] });
      return true;
    }
    const claim = /^jeg er (radgiver|karriereveileder)\s+(.+)$/.exec(t);
    if (claim) {
      await this.claimCounsellor(ctx, claim[2]);
      return true;
    }
    return false;
  }

  async onAction(ctx: TurnContext, verb: string, data: Record<string, unknown>): Promise<EdgeResult | undefined> {
    if (!verb.startsWith('booking')) return undefined;
    // Before anything is stored, sent, or copied into a follow-up card (the slots' button data).
    const refused = await this.refuseIdentityNumbers(ctx, verb, data);
    if (refused) return refused;
    try {
      switch (verb) {
        case 'bookingForm':
          return { card: bookingFormCard({ regions: this.regions(), draft: await this.rememberedRegion(ctx) }) };
        case 'bookingFind': {
          const parsed = Draft.safeParse(data);
          if (!parsed.success || !parsed.data.region) return { card: bookingFormCard({ regions: this.regions(), values: data, error: 'Sjekk feltene: region, initialer (høyst 12 tegn), form og tema må fylles inn; e-post må være gyldig.' }) };
          await this.rememberRegion(ctx, parsed.data.region);
          return { card: await this.suggest(parsed.data, [], undefined, await this.readableVeilederMailbox(ctx)) };
        }
        case 'bookingMore': {
          const draft = Draft.parse(JSON.parse(String(data.draft ?? '{}')));
          const shown = Shown.parse(JSON.parse(String(data.shown ?? '[]')));
          return { card: await this.suggest(draft, shown, undefined, await this.readableVeilederMailbox(ctx)) };
        }
        case 'bookingRequest':
          return await this.request(ctx, data);
        case 'bookingRetry': {
          const b = await this.d.store.getBooking(z.object({ bookingId: Ref.shape.bookingId }).parse(data).bookingId);
          if (!b || b.veileder.id !== actorId(ctx)) return { message: 'Fant ikke samtalen.', status: 404 };
          return { card: await this.suggest(draftOf(b), []) };
        }
        default:
          return await this.answer(ctx, verb, data);
      }
    } catch (err) {
      if (err instanceof z.ZodError || err instanceof SyntaxError) {
        this.d.log.info({ event: 'card_action_rejected', reason: 'invalid data', verb });
        return { message: 'Handlingen kunne ikke utføres (ugyldige data).', status: 400 };
      }
      throw err;
    }
  }

  /**
   * The one identity-number guard for booking actions: the form's free-text fields (and the draft
   * a slots card carries, which is the form's data again). A refusal shows the same form or card,
   * every field as it was except the offending ones (masked or emptied), and names them; nothing
   * is stored or sent. Undefined when there is nothing to refuse.
   */
  private async refuseIdentityNumbers(ctx: TurnContext, verb: string, data: Record<string, unknown>): Promise<EdgeResult | undefined> {
    const found = findIdentityNumbers(data);
    if (found.length === 0) return undefined;
    let draft: Record<string, unknown> | undefined;
    if (typeof data.draft === 'string') {
      try {
        const parsed: unknown = JSON.parse(data.draft);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) draft = parsed as Record<string, unknown>;
      } catch {
        // not JSON: the action's schema refuses it
      }
    }
    const inDraft = draft ? findIdentityNumbers(draft) : [];
    this.d.log.info({ event: 'identity_number_refused', verb, fields: loggableFields([...found, ...inDraft]) });
    const form = (values: Record<string, unknown>, keys: string[]): EdgeResult => {
      const kept = refusalValues(values, keys);
      const labels = fieldLabels(bookingFormCard({ regions: this.regions() }), keys, 'bookingFind');
      return { card: bookingFormCard({ regions: this.regions(), values: kept, error: nb.identityInFields(labels) }) };
    };
    if (verb === 'bookingFind' || verb === 'bookingForm') return form(data, found);
    if (draft && found.includes('draft')) return form(draft, inDraft);
    // A talk's card (decline reason, cancel comment, …): shown again only to the talk's two sides.
    const id = typeof data.bookingId === 'string' && Ref.shape.bookingId.safeParse(data.bookingId).success ? data.bookingId : undefined;
    const b = id ? await this.d.store.getBooking(id) : undefined;
    const mailbox = b ? await this.counsellorMailboxOf(ctx) : undefined;
    const view = b && mailbox && mailbox.toLowerCase() === b.counsellor.mailbox.toLowerCase() ? 'counsellor' : b && b.veileder.id === actorId(ctx) ? 'veileder' : undefined;
    if (!b || !view) return { message: nb.identityInFields([]), status: 400 };
    const labels = fieldLabels(bookingCard(b, { view }), found, verb);
    return { card: refill(bookingCard(b, { view, notice: nb.identityInFields(labels), icsUrl: this.d.icsUrl?.(b) }), refusalValues(data, found), verb) };
  }

  /** Free slots for a draft, from the counsellors who serve its region, format and topic. */
  private async suggest(draft: BookingDraft, shown: { mailbox: string; start: string }[], notice?: string, veilederMailbox?: string): Promise<Record<string, unknown>> {
    const now = this.clock();
    const fits = matchCounsellors(this.d.counsellors, { region: draft.region, format: draft.format, topic: draft.topic as Topic, language: draft.interpreterLanguage });
    const from = now;
    const to = DateTime.fromJSDate(now, { zone: ZONE }).plus({ days: Math.ceil(this.d.notice.periodWorkingDays * 1.6) + 7 }).toJSDate();
    const mailboxes = [...fits.map((c) => c.mailbox), ...(veilederMailbox ? [veilederMailbox] : [])];
    const schedules = fits.length ? await this.d.calendar.getSchedules(mailboxes, from, to) : [];
    // The veileder's own busy time counts only where the app may read the veileder's calendar.
    const veilederBusy = veilederMailbox ? schedules.find((x) => x.mailbox.toLowerCase() === veilederMailbox.toLowerCase() && !x.error)?.busy ?? [] : [];
    const bookings = (await this.d.store.listBookings()).filter((b) => ACTIVE_BOOKING_STATES.includes(b.state));
    const slots: Slot[] = findSlots(
      fits
        .map((c) => {
          const sched = schedules.find((s) => s.mailbox.toLowerCase() === c.mailbox.toLowerCase());
          if (sched?.error) return undefined;
          const perWeek: Record<string, number> = {};
          for (const b of bookings.filter((x) => x.counsellor.mailbox.toLowerCase() === c.mailbox.toLowerCase() && x.state === 'bekreftet')) {
            const k = weekKey(DateTime.fromISO(b.start, { zone: ZONE }));
            perWeek[k] = (perWeek[k] ?? 0) + 1;
          }
          return { mailbox: c.mailbox, name: c.name, workingHours: { days: c.workingHours.days, start: c.workingHours.start, end: c.workingHours.end }, busy: [...(sched?.busy ?? []), ...veilederBusy], bookedPerWeek: perWeek, maxPerWeek: c.maxTalksPerWeek };
        })
        .filter((x): x is NonNullable<typeof x> => Boolean(x)),
      {
        now, durationMinutes: draft.duration, bufferMinutes: this.d.notice.bufferMinutes, noticeWorkingDays: this.d.notice.workingDays, periodWorkingDays: this.d.notice.periodWorkingDays,
        timeOfDay: draft.timeOfDay, count: 4,
        held: bookings.flatMap((b) => [{ mailbox: b.counsellor.mailbox, start: new Date(b.start), end: new Date(b.end) }, ...(b.proposed ? [{ mailbox: b.counsellor.mailbox, start: new Date(b.proposed.start), end: new Date(b.proposed.end) }] : [])]),
        exclude: shown.map((s) => ({ mailbox: s.mailbox, start: new Date(s.start) })),
      },
    );
    return slotsCard({ slots, draft, shown, notice });
  }

  private async request(ctx: TurnContext, data: Record<string, unknown>): Promise<EdgeResult> {
    const draft = Draft.parse(JSON.parse(String(data.draft ?? '{}')));
    const slot = z.object({ mailbox: z.string().email(), start: z.iso.datetime(), end: z.iso.datetime() }).parse({ mailbox: data.mailbox, start: data.start, end: data.end });
    const counsellor = this.d.counsellors.find((c) => c.mailbox.toLowerCase() === slot.mailbox.toLowerCase());
    if (!counsellor || !offersFormat(counsellor, draft.format)) return { message: 'Rådgiveren finnes ikke eller tilbyr ikke denne formen.', status: 400 };
    const place = draft.format === 'inPerson' ? counsellor.formats.inPerson.map((p) => `${p.office}, ${p.address}`)[0] : undefined;
    const ref = TurnContext.getConversationReference(ctx.activity);
    const key = conversationKey(ctx);
    const known = await this.d.store.getConversation(key);
    await this.d.store.saveConversation({ ...known, key, reference: JSON.parse(JSON.stringify({ ...ref, activityId: undefined })), updatedAt: this.clock().toISOString() });
    try {
      const b = await this.d.service.request({
        veileder: { id: actorId(ctx), name: ctx.activity.from?.name ?? 'Veileder', conversationKey: key, email: await this.emailOf(ctx) },
        counsellor: { mailbox: counsellor.mailbox, name: counsellor.name },
        start: new Date(slot.start), end: new Date(slot.end), format: draft.format, place, topic: draft.topic,
        interpreterLanguage: draft.interpreterLanguage, veilederJoins: draft.veilederJoins, brukerAlias: draft.brukerAlias, brukerEmail: draft.brukerEmail,
      });
      this.d.kick?.();
      const reachable = Boolean(await this.d.store.getConversation(counsellorKey(counsellor.mailbox)));
      this.d.log.info({ event: 'booking_requested', bookingId: b.id, counsellorReachable: reachable });
      return { card: bookingCard(b, { view: 'veileder', notice: reachable ? `${sentence(`Forespørselen er sendt til ${counsellor.name}`)} ${bookingTexts.heldNotice(dateTime(b.holdUntil, this.clock()))}` : `${counsellor.name} har ikke tatt i bruk Veiviser i Teams ennå, så forespørselen venter til hen gjør det. Tiden holdes imens.` }) };
    } catch (err) {
      if (err instanceof SlotTakenError) return { card: await this.suggest(draft, [], bookingTexts.taken) };
      if (err instanceof DomainError) return { card: bookingFormCard({ regions: this.regions(), draft, error: err.message }) };
      throw err;
    }
  }

  /** Accept, decline, propose, accept a proposal, cancel. */
  private async answer(ctx: TurnContext, verb: string, data: Record<string, unknown>): Promise<EdgeResult> {
    const ref = Ref.parse({ bookingId: data.bookingId, version: data.version });
    const b = await this.d.store.getBooking(ref.bookingId);
    if (!b) return { message: 'Fant ikke samtalen.', status: 404 };
    const me = { id: actorId(ctx), name: ctx.activity.from?.name ?? 'Ukjent' };
    const mailbox = await this.counsellorMailboxOf(ctx);
    const view = mailbox && mailbox.toLowerCase() === b.counsellor.mailbox.toLowerCase() ? 'counsellor' : 'veileder';
    try {
      let next: Booking;
      switch (verb) {
        case 'bookingAccept':
          next = await this.d.service.accept({ bookingId: b.id, actor: { ...me, mailbox: mailbox ?? '' }, expectedVersion: ref.version });
          break;
        case 'bookingDecline':
          next = await this.d.service.decline({ bookingId: b.id, actor: { ...me, mailbox: mailbox ?? '' }, reason: z.string().min(1).max(500).parse(data.reason), expectedVersion: ref.version });
          break;
        case 'bookingPropose': {
          const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).parse(data.proposeDate);
          const time = z.string().regex(/^\d{2}:\d{2}$/).parse(data.proposeTime);
          const start = DateTime.fromISO(`${date}T${time}`, { zone: ZONE });
          if (!start.isValid) throw new DomainError('validation', 'Ugyldig tidspunkt.');
          const minutes = (Date.parse(b.end) - Date.parse(b.start)) / 60_000;
          next = await this.d.service.propose({ bookingId: b.id, actor: { ...me, mailbox }, start: start.toJSDate(), end: start.plus({ minutes }).toJSDate(), expectedVersion: ref.version });
          break;
        }
        case 'bookingAcceptProposal':
          next = await this.d.service.acceptProposal({ bookingId: b.id, actor: { ...me, mailbox }, expectedVersion: ref.version });
          break;
        case 'bookingCancel':
          next = await this.d.service.cancel({ bookingId: b.id, actor: { ...me, mailbox }, comment: typeof data.comment === 'string' ? data.comment : '', expectedVersion: ref.version });
          break;
        default:
          return { message: 'Ukjent handling.', status: 400 };
      }
      this.d.kick?.();
      return { card: bookingCard(next, { view, icsUrl: this.d.icsUrl?.(next) }) };
    } catch (err) {
      if (err instanceof SlotTakenError) return { card: bookingCard(b, { view, notice: 'Det foreslåtte tidspunktet er ikke ledig. Velg et annet.' }) };
      if (err instanceof DomainError) {
        if (err.code === 'forbidden') {
          this.d.log.warn({ event: 'card_action_rejected', reason: 'forbidden', bookingId: b.id, verb });
          return { message: err.message, status: 403 };
        }
        const current = (await this.d.store.getBooking(b.id)) ?? b;
        return { card: bookingCard(current, { view, notice: err.message }) };
      }
      throw err;
    }
  }

  /** The acting user's e-mail from the Teams roster (the veileder is invited by e-mail), if Teams tells it. */
  private async emailOf(ctx: TurnContext): Promise<string | undefined> {
    try {
      const m = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
      const mail = (m.email ?? m.userPrincipalName ?? '').trim().toLowerCase();
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(mail) ? mail : undefined;
    } catch (err) {
      this.d.log.info({ event: 'veileder_email_unavailable', err: (err as Error).message });
      return undefined;
    }
  }

  /** The veileder's mailbox when the app may read calendars in the veileder's tenant (config). */
  private async readableVeilederMailbox(ctx: TurnContext): Promise<string | undefined> {
    const tenant = (ctx.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? ctx.activity.conversation?.tenantId;
    if (!tenant || !(this.d.veilederCalendarTenants ?? []).includes(tenant)) return undefined;
    return this.emailOf(ctx);
  }

  /** The directory mailbox this Teams user is linked to, if any. */
  private async counsellorMailboxOf(ctx: TurnContext): Promise<string | undefined> {
    const from = ctx.activity.from?.id;
    for (const c of this.d.counsellors) {
      const conv = await this.d.store.getConversation(counsellorKey(c.mailbox));
      const user = (conv?.reference as { user?: { id?: string } } | undefined)?.user?.id;
      if (user && user === from) return c.mailbox;
    }
    return undefined;
  }

  /** "jeg er rådgiver <navn eller e-post>": links this Teams user (and chat) to a directory counsellor. */
  private async claimCounsellor(ctx: TurnContext, who: string): Promise<void> {
    const w = fold(who.toLowerCase().trim());
    const c = this.d.counsellors.find((x) => fold(x.name.toLowerCase()) === w || x.mailbox.toLowerCase() === w || fold(x.name.toLowerCase()).startsWith(w));
    if (!c) {
      await ctx.sendActivity(`Fant ingen rådgiver «${who.slice(0, 60)}» i rådgiverlista.`);
      return;
    }
    if (!this.d.trustCounsellorClaims) {
      let email: string | undefined;
      try {
        const m = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
        email = (m.email ?? m.userPrincipalName ?? '').toLowerCase();
      } catch (err) {
        this.d.log.warn({ event: 'roster_unavailable', err: (err as Error).message });
      }
      if (email !== c.mailbox.toLowerCase()) {
        this.d.log.warn({ event: 'counsellor_claim_rejected' });
        await ctx.sendActivity('E-postadressen din i Teams stemmer ikke med rådgiverens adresse i lista.');
        return;
      }
    }
    const ref = TurnContext.getConversationReference(ctx.activity);
    await this.d.store.saveConversation({ key: counsellorKey(c.mailbox), reference: JSON.parse(JSON.stringify({ ...ref, activityId: undefined })), updatedAt: this.clock().toISOString() });
    this.d.log.info({ event: 'counsellor_linked' });
    await ctx.sendActivity(`${sentence(`Du er nå registrert som ${c.name}`)} Forespørsler om trepartssamtaler kommer hit.`);
    // Requests that waited for this counsellor to be reachable are sent now.
    const waiting = (await this.d.store.listBookings()).filter((b) => b.counsellor.mailbox.toLowerCase() === c.mailbox.toLowerCase() && b.state === 'holdt');
    for (const b of waiting) await ctx.sendActivity({ attachments: [card(bookingCard(b, { view: 'counsellor' }))] });
  }
}

/** Outbox messages for a booking change: who is told what. */
export function makeBookingAnnouncer(deps: { icsUrl?: (b: Booking) => string }) {
  return (b: Booking, e: BookingEvent): OutboxMessage[] => {
    // The outbox runs on the wall clock, whatever clock the booking rules are given.
    const at = new Date().toISOString();
    const msg = (conversationKey: string, view: 'veileder' | 'counsellor', text: string): OutboxMessage => ({
      id: randomUUID(), createdAt: at, kind: 'post', conversationKey, status: 'pending', attempts: 0, nextAttemptAt: at,
      activity: { type: 'message', text, attachments: [card(bookingCard(b, { view, icsUrl: deps.icsUrl?.(b) }))] },
    });
    const toCounsellor = counsellorKey(b.counsellor.mailbox);
    const say = bookingTexts.announce;
    switch (e.action) {
      case 'forespurt': return [msg(toCounsellor, 'counsellor', say.requested(b.veileder.name))];
      case 'bekreftet':
      case 'forslag-godtatt': return [msg(b.veileder.conversationKey, 'veileder', say.confirmedVeileder(b.id)), msg(toCounsellor, 'counsellor', say.confirmedCounsellor(b.id))];
      case 'avslatt': return [msg(b.veileder.conversationKey, 'veileder', say.declined(b.counsellor.name, b.declineReason))];
      case 'foreslatt': return b.proposedBy === 'veileder'
        ? [msg(toCounsellor, 'counsellor', say.proposedByVeileder(b.veileder.name, b.id))]
        : [msg(b.veileder.conversationKey, 'veileder', say.proposedByCounsellor(b.counsellor.name))];
      case 'utlopt': return [msg(b.veileder.conversationKey, 'veileder', say.expired(b.counsellor.name))];
      // The veileder is offered new times on the card (bookingRetry) when the counsellor cancelled.
      case 'avlyst': return [e.actor.id === b.veileder.id ? msg(toCounsellor, 'counsellor', say.cancelledByVeileder(b.veileder.name, b.id)) : msg(b.veileder.conversationKey, 'veileder', say.cancelledByCounsellor(b.counsellor.name, b.id))];
      case 'flyttet': return [msg(b.veileder.conversationKey, 'veileder', say.moved(b.counsellor.name, b.id))];
      case 'paminnelse': return [msg(b.veileder.conversationKey, 'veileder', say.reminder(b.id))];
      default: return [];
    }
  };
}

function draftOf(b: Booking): BookingDraft {
  return {
    brukerAlias: b.brukerAlias, format: b.format, topic: b.topic, duration: Math.round((Date.parse(b.end) - Date.parse(b.start)) / 60_000),
    interpreterLanguage: b.interpreterLanguage, timeOfDay: 'any', veilederJoins: b.veilederJoins, brukerEmail: b.brukerEmail,
  };
}

function actorId(ctx: TurnContext): string {
  return ctx.activity.from?.aadObjectId ?? ctx.activity.from?.id ?? 'ukjent';
}

function card(content: Record<string, unknown>) {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content };
}
