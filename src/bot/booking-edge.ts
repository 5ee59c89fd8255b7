/**
 * The Teams side of booking, as a translator: a card action or a command in chat becomes a
 * booking command (src/booking/commands/), and its result — or its refusal, through the one
 * mapping in `failed` — becomes the card the user sees. What is Teams' own stays here: the form
 * and its identity-number guard, the region a veileder booked in last, whose calendar the app may
 * read (by tenant), and who is a counsellor: a Teams user linked to a directory mailbox with
 * "jeg er rådgiver <navn>" — checked against the user's e-mail from the Directory port when the
 * bot runs with credentials; accepted as said in local mode (the playground has no real e-mail
 * addresses).
 */
import { userHash } from './ticket-edge.js';
import { dateTime } from '../text/time.nb.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BookingService, SlotTakenError } from '../booking/booking-service.js';
import { NOT_FOUND } from '../booking/commands/actor.js';
import {
  acceptProposal, acceptTalk, cancelTalk, declineTalk, proposeTime, requestTalk, suggestTimes,
  type Actor, type BookingCommandDeps, type SuggestInput,
} from '../booking/commands/index.js';
import { TOPICS, type Counsellor } from '../booking/counsellors.js';
import type { Directory } from '../booking/directory.js';
import { isCounsellorOf, isVeilederOf, type Booking, type BookingDraft } from '../booking/model.js';
import type { Calendar } from '../calendar/calendar.js';
import { fold } from '../faq/text.js';
import type { Store } from '../store/store.js';
import { DomainError, HTTP_STATUS } from '../domain-error.js';
import { fieldLabels, findIdentityNumbers, loggableFields, refusalValues, refill } from '../privacy/card-inputs.js';
import { counsellorKey } from './booking-announcer.js';
import { bookingTexts } from '../text/booking.nb.js';
import { commonTexts } from '../text/common.nb.js';
import { bookingCard, bookingFormCard, slotsCard } from './booking-cards.js';
import { teamsDirectory } from './teams-directory.js';
import type { EdgeResult } from './ticket-edge.js';
import type { Turn } from './turn.js';
import { optionalInput } from './cards.js';

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
  /** Who someone is, for the turn (default: the Teams roster). */
  directory?: (turn: Turn) => Directory;
}

const opt = optionalInput;
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

/** Where a refusal is shown: the form a request came from, or the talk's card as this side sees it. */
type Showing = { form: BookingDraft } | { verb: string; talk?: Booking; view: 'veileder' | 'counsellor' };

export class BookingEdge {
  private readonly clock: () => Date;
  private readonly cmd: BookingCommandDeps;
  private readonly directory: (turn: Turn) => Directory;
  constructor(private readonly d: BookingEdgeDeps) {
    this.clock = d.clock ?? (() => new Date());
    this.cmd = { service: d.service, store: d.store, counsellors: d.counsellors, calendar: d.calendar, rules: d.notice, clock: this.clock };
    this.directory = d.directory ?? teamsDirectory;
  }

  /** The region this veileder booked in last time, if it is still a region: the form starts there. */
  private async rememberedRegion(turn: Turn): Promise<{ region: string } | undefined> {
    const region = (await this.d.store.getVeilederProfile(userHash(turn.actorId)))?.region;
    return region && this.regions().includes(region) ? { region } : undefined;
  }

  private async rememberRegion(turn: Turn, region: string): Promise<void> {
    if (!this.regions().includes(region)) return;
    const key = userHash(turn.actorId);
    const profile = await this.d.store.getVeilederProfile(key);
    if (profile?.region !== region) await this.d.store.saveVeilederProfile({ ...profile, userHash: key, region, updatedAt: this.clock().toISOString() });
  }

  private regions(): string[] {
    return [...new Set(this.d.counsellors.flatMap((c) => c.regions))].sort((a, b) => a.localeCompare(b, 'nb'));
  }

  async onText(turn: Turn, text: string): Promise<boolean> {
    if (turn.conversation.type !== 'personal') return false;
    const t = fold(text.toLowerCase()).replace(/[.!?]+$/, '').trim();
    // "book", "trepartssamtale", or a booking verb with a talk ("bestill en samtale", "kan jeg booke trepartsmøte?").
    if (/^(book|trepartssamtale)$/.test(t) || asksToBookATalk(t)) {
      await turn.sendCard(bookingFormCard({ regions: this.regions(), draft: await this.rememberedRegion(turn) }));
      return true;
    }
    const claim = /^jeg er (radgiver|karriereveileder)\s+(.+)$/.exec(t);
    if (claim) {
      await this.claimCounsellor(turn, claim[2]);
      return true;
    }
    return false;
  }

  async onAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<EdgeResult | undefined> {
    if (!verb.startsWith('booking')) return undefined;
    // Before anything is stored, sent, or copied into a follow-up card (the slots' button data).
    const refused = await this.refuseIdentityNumbers(turn, verb, data);
    if (refused) return refused;
    try {
      switch (verb) {
        case 'bookingForm':
          return { card: bookingFormCard({ regions: this.regions(), draft: await this.rememberedRegion(turn) }) };
        case 'bookingFind': {
          const parsed = Draft.safeParse(data);
          if (!parsed.success || !parsed.data.region) return { card: bookingFormCard({ regions: this.regions(), values: data, error: bookingTexts.checkFields }) };
          await this.rememberRegion(turn, parsed.data.region);
          return await this.suggest(turn, { draft: parsed.data, veilederMailbox: await this.readableVeilederMailbox(turn) });
        }
        case 'bookingMore': {
          const draft = Draft.parse(JSON.parse(String(data.draft ?? '{}')));
          const shown = Shown.parse(JSON.parse(String(data.shown ?? '[]')));
          return await this.suggest(turn, { draft, shown, veilederMailbox: await this.readableVeilederMailbox(turn) });
        }
        case 'bookingRequest':
          return await this.request(turn, data);
        case 'bookingRetry': {
          const { bookingId } = z.object({ bookingId: Ref.shape.bookingId }).parse(data);
          return await this.suggest(turn, { retryOf: bookingId }).catch((err) => this.failed(turn, err, { verb, view: 'veileder' }));
        }
        default:
          return await this.answer(turn, verb, data);
      }
    } catch (err) {
      if (err instanceof z.ZodError || err instanceof SyntaxError) {
        this.d.log.info({ event: 'card_action_rejected', reason: 'invalid data', verb });
        return { message: commonTexts.invalidAction, status: 400 };
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
  private async refuseIdentityNumbers(turn: Turn, verb: string, data: Record<string, unknown>): Promise<EdgeResult | undefined> {
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
      return { card: bookingFormCard({ regions: this.regions(), values: kept, error: commonTexts.identityInFields(labels) }) };
    };
    if (verb === 'bookingFind' || verb === 'bookingForm') return form(data, found);
    if (draft && found.includes('draft')) return form(draft, inDraft);
    // A talk's card (decline reason, cancel comment, …): shown again only to the talk's two sides.
    const id = typeof data.bookingId === 'string' && Ref.shape.bookingId.safeParse(data.bookingId).success ? data.bookingId : undefined;
    const b = id ? await this.d.store.getBooking(id) : undefined;
    const mailbox = b ? await this.counsellorMailboxOf(turn) : undefined;
    const view = b && mailbox && mailbox.toLowerCase() === b.counsellor.mailbox.toLowerCase() ? 'counsellor' : b && b.veileder.id === turn.actorId ? 'veileder' : undefined;
    if (!b || !view) return { message: commonTexts.identityInFields([]), status: 400 };
    const labels = fieldLabels(bookingCard(b, { view }), found, verb);
    return { card: refill(bookingCard(b, { view, notice: commonTexts.identityInFields(labels), icsUrl: this.d.icsUrl?.(b) }), refusalValues(data, found), verb) };
  }

  /** Free slots (the suggest command) as the slots card. */
  private async suggest(turn: Turn, input: SuggestInput, notice?: string): Promise<EdgeResult> {
    const s = await suggestTimes(this.cmd, input, actorOf(turn, 'Veileder'));
    return { card: slotsCard({ slots: s.slots, draft: s.draft, shown: 'shown' in input ? input.shown ?? [] : [], notice }) };
  }

  private async request(turn: Turn, data: Record<string, unknown>): Promise<EdgeResult> {
    const draft = Draft.parse(JSON.parse(String(data.draft ?? '{}')));
    const slot = z.object({ mailbox: z.string().email(), start: z.iso.datetime(), end: z.iso.datetime() }).parse({ mailbox: data.mailbox, start: data.start, end: data.end });
    const key = turn.conversation.key;
    await turn.rememberConversation(this.d.store, { key, keepStored: true, at: this.clock() });
    try {
      const actor = { ...actorOf(turn, 'Veileder'), email: await this.emailOf(turn) };
      const b = await requestTalk(this.cmd, { draft, slot: { mailbox: slot.mailbox, start: new Date(slot.start), end: new Date(slot.end) }, conversationKey: key }, actor);
      this.d.kick?.();
      const reachable = Boolean(await this.d.store.getConversation(counsellorKey(b.counsellor.mailbox)));
      this.d.log.info({ event: 'booking_requested', bookingId: b.id, counsellorReachable: reachable });
      const name = b.counsellor.name;
      return { card: bookingCard(b, { view: 'veileder', notice: reachable ? bookingTexts.requestSent(name, dateTime(b.holdUntil, this.clock())) : bookingTexts.requestWaiting(name) }) };
    } catch (err) {
      return this.failed(turn, err, { form: draft });
    }
  }

  /** Accept, decline, propose, accept a proposal, cancel. */
  private async answer(turn: Turn, verb: string, data: Record<string, unknown>): Promise<EdgeResult> {
    const ref = Ref.parse({ bookingId: data.bookingId, version: data.version });
    const b = await this.d.store.getBooking(ref.bookingId);
    if (!b) return this.failed(turn, new DomainError('not-found', NOT_FOUND), { verb, view: 'veileder' });
    const me: Actor = { ...actorOf(turn, 'Ukjent'), mailbox: await this.counsellorMailboxOf(turn) };
    // Someone who is neither side is refused before anything else, so no refusal shows them the talk.
    if (!isCounsellorOf(b, me) && !isVeilederOf(b, me)) return this.failed(turn, new DomainError('forbidden', bookingTexts.notYourTalk), { verb, talk: b, view: 'veileder' });
    const view = isCounsellorOf(b, me) ? 'counsellor' : 'veileder';
    const talk = { bookingId: b.id, expectedVersion: ref.version };
    try {
      let next: Booking;
      switch (verb) {
        case 'bookingAccept':
          next = await acceptTalk(this.cmd, talk, me);
          break;
        case 'bookingDecline':
          next = await declineTalk(this.cmd, { ...talk, reason: z.string().min(1).max(500).parse(data.reason) }, me);
          break;
        case 'bookingPropose': {
          const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).parse(data.proposeDate);
          const time = z.string().regex(/^\d{2}:\d{2}$/).parse(data.proposeTime);
          next = await proposeTime(this.cmd, { ...talk, date, time }, me);
          break;
        }
        case 'bookingAcceptProposal':
          next = await acceptProposal(this.cmd, talk, me);
          break;
        case 'bookingCancel':
          next = await cancelTalk(this.cmd, { ...talk, comment: typeof data.comment === 'string' ? data.comment : '' }, me);
          break;
        default:
          return { message: commonTexts.unknownAction, status: 400 };
      }
      this.d.kick?.();
      return { card: bookingCard(next, { view, icsUrl: this.d.icsUrl?.(next) }) };
    } catch (err) {
      return this.failed(turn, err, { verb, talk: b, view });
    }
  }

  /**
   * The one mapping from a refused command to what the user sees. On the form: a time someone was
   * faster to gives fresh suggestions, an input error the form again with the reason, anything
   * else a 400. On a talk's card: a forbidden action is a 403 (and logged); a proposed time that
   * is taken, or any other refusal, shows the talk as it is now with the reason; a talk that does
   * not exist (or is not this user's) is a 404. Anything but a DomainError is thrown on.
   */
  private async failed(turn: Turn, err: unknown, on: Showing): Promise<EdgeResult> {
    if (!(err instanceof DomainError)) throw err;
    if ('form' in on) {
      if (err instanceof SlotTakenError) return this.suggest(turn, { draft: on.form }, bookingTexts.taken);
      if (err.code === 'validation') return { card: bookingFormCard({ regions: this.regions(), draft: on.form, error: err.message }) };
      // The slot's data named no counsellor who offers this: card data that does not fit.
      return { message: err.message, status: 400 };
    }
    const b = on.talk;
    if (!b) return { message: err.message, status: HTTP_STATUS[err.code] };
    if (err instanceof SlotTakenError) return { card: bookingCard(b, { view: on.view, notice: bookingTexts.proposedTimeTaken }) };
    if (err.code === 'forbidden') {
      this.d.log.warn({ event: 'card_action_rejected', reason: 'forbidden', bookingId: b.id, verb: on.verb });
      return { message: err.message, status: HTTP_STATUS.forbidden };
    }
    const current = (await this.d.store.getBooking(b.id)) ?? b;
    return { card: bookingCard(current, { view: on.view, notice: err.message }) };
  }

  /** The acting user's e-mail from the directory (the veileder is invited by e-mail), if it tells it. */
  private async emailOf(turn: Turn): Promise<string | undefined> {
    try {
      return await this.directory(turn).emailOf({ id: turn.actorId });
    } catch (err) {
      this.d.log.info({ event: 'veileder_email_unavailable', err: (err as Error).message });
      return undefined;
    }
  }

  /** The veileder's mailbox when the app may read calendars in the veileder's tenant (config). */
  private async readableVeilederMailbox(turn: Turn): Promise<string | undefined> {
    const tenant = turn.tenantId;
    if (!tenant || !(this.d.veilederCalendarTenants ?? []).includes(tenant)) return undefined;
    return this.emailOf(turn);
  }

  /** The directory mailbox this Teams user is linked to, if any. */
  private async counsellorMailboxOf(turn: Turn): Promise<string | undefined> {
    const from = turn.actor.id;
    for (const c of this.d.counsellors) {
      const conv = await this.d.store.getConversation(counsellorKey(c.mailbox));
      const user = (conv?.reference as { user?: { id?: string } } | undefined)?.user?.id;
      if (user && user === from) return c.mailbox;
    }
    return undefined;
  }

  /** "jeg er rådgiver <navn eller e-post>": links this Teams user (and chat) to a directory counsellor. */
  private async claimCounsellor(turn: Turn, who: string): Promise<void> {
    const w = fold(who.toLowerCase().trim());
    const c = this.d.counsellors.find((x) => fold(x.name.toLowerCase()) === w || x.mailbox.toLowerCase() === w || fold(x.name.toLowerCase()).startsWith(w));
    if (!c) {
      await turn.send(bookingTexts.claim.unknown(who));
      return;
    }
    if (!this.d.trustCounsellorClaims) {
      let email: string | undefined;
      try {
        email = await this.directory(turn).emailOf({ id: turn.actorId });
      } catch (err) {
        this.d.log.warn({ event: 'roster_unavailable', err: (err as Error).message });
      }
      if (email !== c.mailbox.toLowerCase()) {
        this.d.log.warn({ event: 'counsellor_claim_rejected' });
        await turn.send(bookingTexts.claim.emailMismatch);
        return;
      }
    }
    await turn.rememberConversation(this.d.store, { key: counsellorKey(c.mailbox), at: this.clock() });
    this.d.log.info({ event: 'counsellor_linked' });
    await turn.send(bookingTexts.claim.linked(c.name));
    // Requests that waited for this counsellor to be reachable are sent now.
    const waiting = (await this.d.store.listBookings()).filter((b) => b.counsellor.mailbox.toLowerCase() === c.mailbox.toLowerCase() && b.state === 'holdt');
    for (const b of waiting) await turn.sendCard(bookingCard(b, { view: 'counsellor' }));
  }
}

/** The acting Teams user as a booking actor (`fallbackName` when Teams sends no name). */
function actorOf(turn: Turn, fallbackName: string): Actor {
  return { id: turn.actorId, name: turn.actor.name ?? fallbackName };
}

/**
 * A message that asks to book a three-way talk in the veileder's own words ("kan jeg bestille
 * trepartssamtale?", "hvordan booker jeg en samtale med karriereveileder", "sette opp trepartsmøte"):
 * a booking verb (not "avtale", which is as often the agreement) and a talk. Booking is what Veiviser itself does, so it opens the form rather than
 * searching the county's pages for it. A question about what a three-way talk is (no booking verb)
 * stays a question for the FAQ. `t` is lower case and folded (no æøå).
 */
export function asksToBookATalk(t: string): boolean {
  const verb = /(^|\s)(bestill\w*|book\w*|sette opp|sett opp)(\s|$)/.test(t);
  // "trepartsmøte" is folded to "trepartsmote"; "trepartssamarbeid" (the county's cooperation) is not a talk.
  const talk = /samtale|trepartsmote/.test(t);
  return verb && talk;
}
