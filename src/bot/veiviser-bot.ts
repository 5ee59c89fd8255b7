/**
 * The Teams edge: translates activities into calls to the FAQ and the store, and results into
 * cards. One handler per kind of activity; no domain logic lives here. It is botbuilder's activity
 * handler: it builds one Turn per activity (src/bot/turn.ts) and the handlers see only that.
 */
import { randomUUID } from 'node:crypto';
import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { FaqService } from '../faq/faq-service.js';
import type { SectionDoc } from '../faq/search-index.js';
import { containsIdentityNumber, redactForStorage } from '../privacy/identity-number.js';
import type { QuestionRecord, Store } from '../store/store.js';
import { cardAttachment, renderCard } from './cards.js';
import { commonTexts } from '../text/common.nb.js';
import { faqTexts as nb } from '../text/faq.nb.js';
import { ticketTexts } from '../text/tickets.nb.js';
import type { BookingEdge } from './booking-edge.js';
import { userHash as hashUser, type TicketEdge } from './ticket-edge.js';
import { fromTurnContext, universalActionResponse, type ActionResult, type Turn } from './turn.js';

export interface BotOptions {
  faq: () => FaqService | undefined;
  store: Store;
  log: Logger;
  allowedTenantIds: string[];
  contactUrl: () => string;
  maxMessageLength: number;
  /** The ticket flow (escalation to the education team); absent = FAQ only. */
  tickets?: TicketEdge;
  /** Booking three-way talks; absent = no booking. */
  booking?: BookingEdge;
  /** Told every FAQ outcome (metrics). */
  onQuestion?: (outcome: string) => void;
}

const Id = z.string().min(1).max(200);
const FeedbackData = z.object({ questionId: Id, sectionId: z.string().max(2048).optional(), helpful: z.boolean(), question: z.string().max(2000).optional() }).strict();
const ChooseData = z.object({ questionId: Id, sectionId: z.string().min(1).max(2048), rank: z.coerce.number().int().min(0).max(2).optional(), question: z.string().max(2000).optional() }).strict();
const NoneData = z.object({ questionId: Id, question: z.string().max(2000).optional() }).strict();
const AskData = z.object({ question: z.string().min(1).max(500) }).strict();

/** Where the activity's Turn is kept in the TurnContext's state for the handlers. */
const TURN = Symbol('veiviser.turn');

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
/** Text safe inside a Markdown link's label. */
const mdLinkText = (s: string): string => s.replace(/[[\]()]/g, ' ').replace(/\s+/g, ' ').trim();

const nbDate = (iso: string): string =>
  new Intl.DateTimeFormat('nb-NO', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Oslo' }).format(new Date(iso));

export class VeiviserBot extends TeamsActivityHandler {
  constructor(private readonly o: BotOptions) {
    super();
    this.onMessage(async (ctx, next) => {
      await this.handleMessage(turnOf(ctx));
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      const turn = turnOf(ctx);
      const botAdded = turn.membersAdded.some((id) => id === turn.botId);
      if (botAdded) await this.welcome(turn);
      await next();
    });
    this.onInstallationUpdateAdd(async (ctx, next) => {
      // The conversation's reference, for proactive messages (the greeting's mark is kept).
      await turnOf(ctx).rememberConversation(this.o.store, { keepStored: true, withActivityId: true, at: new Date() });
      await next();
    });
  }

  /** Builds the activity's Turn; then the tenant allow-list, checked before any handler: other tenants get no answer at all. */
  override async run(ctx: TurnContext): Promise<void> {
    const turn = fromTurnContext(ctx);
    ctx.turnState.set(TURN, turn);
    const tenant = turn.tenantId;
    if (this.o.allowedTenantIds.length && (!tenant || !this.o.allowedTenantIds.includes(tenant))) {
      this.o.log.warn({ event: 'tenant_rejected', tenant: tenant ?? null, type: turn.type }, 'activity from a tenant not allowed');
      if (turn.type === 'invoke') await turn.respondToInvoke(403);
      return;
    }
    await super.run(ctx);
  }

  /** Greets once per conversation: clients that re-send "bot added" do not get the card again ("hjelp" shows it). */
  private async welcome(turn: Turn): Promise<void> {
    const key = turn.conversation.key;
    const known = await this.o.store.getConversation(key);
    if (known?.welcomedAt) return;
    await turn.rememberConversation(this.o.store, { withActivityId: true, at: new Date(), welcomedAt: new Date().toISOString() });
    const type = turn.conversation.type;
    if (type === 'personal') await turn.send({ attachments: [this.welcomeCard(nb.welcome.title)] });
    else {
      const defaultChannelSet = type === 'channel' && (await this.teamInstalled(turn, key));
      await turn.send(nb.teamIntro);
      // The team is told that General now receives tickets — only when Veiviser just made it the default.
      if (defaultChannelSet) await turn.send(ticketTexts.generalChannelNotice);
    }
  }

  /**
   * The bot was added to a team: the ticket flow makes General the default escalation channel if
   * none is chosen yet. True when it did so just now (a new channel of this team), not when a
   * channel was already chosen. Keeps the greeting's mark, which storing General's reference (the
   * same conversation in Teams) would otherwise drop, so a re-sent "bot added" greets no one twice.
   */
  private async teamInstalled(turn: Turn, welcomeKey: string): Promise<boolean> {
    if (!this.o.tickets) return false;
    const teamId = turn.team?.id;
    const before = await this.o.store.listEscalationChannels();
    await this.o.tickets.onTeamInstalled(turn);
    const stored = await this.o.store.getConversation(welcomeKey);
    if (stored && !stored.welcomedAt) await this.o.store.saveConversation({ ...stored, welcomedAt: new Date().toISOString() });
    if (!teamId) return false;
    const known = new Set(before.map((c) => c.conversationKey));
    return (await this.o.store.listEscalationChannels()).some((c) => c.teamId === teamId && !known.has(c.conversationKey));
  }

  private welcomeCard(title: string) {
    return cardAttachment('welcome', { ...nb.welcome, title, contactUrl: this.o.contactUrl() });
  }

  private async handleMessage(turn: Turn): Promise<void> {
    const type = turn.conversation.type;
    // Action.Submit (welcome examples, and clients without Universal Actions) arrives as a message with value.
    if (turn.value && typeof turn.value === 'object') {
      const result = await this.handleAction(turn, turn.value as Record<string, unknown>);
      if (result.card) await turn.sendCard(result.card);
      else if (result.message) await turn.send(result.message);
      return;
    }
    if (type !== 'personal' && !turn.mentionsBot()) return;
    const raw = typeof turn.text === 'string' ? turn.text : '';
    const text = (type === 'personal' ? raw : turn.textWithoutBotMention() ?? raw).replace(/<[^>]+>/g, ' ').trim();
    await this.answer(turn, text);
  }

  private async answer(turn: Turn, text: string): Promise<void> {
    if (text.length > this.o.maxMessageLength) {
      this.o.log.info({ event: 'message_too_long', length: text.length });
      await turn.send(nb.tooLong(this.o.maxMessageLength));
      return;
    }
    if (containsIdentityNumber(text)) {
      this.o.log.info({ event: 'identity_number_refused' });
      await turn.send(nb.privacyRefusal);
      return;
    }
    if (!text) {
      await turn.send(nb.emptyMessage);
      return;
    }
    if (this.o.tickets && (await this.o.tickets.onText(turn, text))) return;
    if (this.o.booking && (await this.o.booking.onText(turn, text))) return;
    if (/^(hjelp|help|\?+|hei|hallo|start|test)[.!]?$/i.test(text)) {
      await turn.send({ attachments: [this.welcomeCard(nb.welcome.helpTitle)] });
      return;
    }
    const faq = this.o.faq();
    if (!faq || faq.size === 0) {
      await turn.send(nb.notReady);
      return;
    }
    const started = process.hrtime.bigint();
    const result = faq.ask(text);
    const top = result.hits[0];
    const asker = hashUser(turn.actor.aadObjectId ?? turn.actor.id);
    const record: QuestionRecord = {
      id: randomUUID(),
      at: new Date().toISOString(),
      userHash: asker,
      office: (await this.o.store.getVeilederProfile(asker))?.office,
      conversationType: turn.conversation.type,
      tenantId: turn.tenantId,
      outcome: result.decision,
      topUrl: top?.doc.url,
      topSectionId: top?.doc.id,
      coverage: top ? Math.round(top.coverage * 1000) / 1000 : undefined,
      text: result.decision === 'escalate' || result.decision === 'clarify' ? redactForStorage(text).slice(0, 500) : undefined,
      // Numbers only, for refitting the decision from this county's own feedback.
      decision: result.features ? { p1: round3(result.p1 ?? 0), p3: round3(result.p3 ?? 0), features: result.features.map(round3) } : undefined,
    };
    await this.o.store.recordQuestion(record); // durable before the veileder sees anything
    this.o.onQuestion?.(record.outcome);
    this.o.log.info({ event: 'question', questionId: record.id, outcome: record.outcome, coverage: record.coverage, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    let card: Record<string, unknown>;
    if (result.decision === 'answer' && top) card = this.answerCard(faq, top.doc, text, record.id, 'none', result.alternatives.map((h) => h.doc), result.navNote);
    else if (result.decision === 'clarify') {
      card = renderCard('clarify', {
        ...nb.clarify,
        noneTitle: nb.clarify.none,
        questionId: record.id,
        question: text.slice(0, 2000),
        candidates: result.candidates.map((h, rank) => ({ id: h.doc.id, rank, heading: h.doc.heading, title: h.doc.title, line: faq.firstLine(h.doc) })),
      });
    } else if (result.decision === 'nav') card = renderCard('nav', nb.nav);
    else card = this.escalateCard(text, result.caseQuestion);
    await turn.sendCard(card);
  }

  private escalateCard(question: string, caseQuestion = false): Record<string, unknown> {
    const texts = caseQuestion ? { ...nb.escalate, title: nb.escalate.caseTitle, text: nb.escalate.caseText, tips: nb.escalate.caseTips } : nb.escalate;
    return renderCard('escalate', { ...texts, contactUrl: this.o.contactUrl(), question: question.slice(0, 2000), canEscalate: Boolean(this.o.tickets), escalateTitle: nb.escalate.toTeam });
  }

  private answerCard(faq: FaqService, doc: SectionDoc, question: string, questionId: string, feedback: 'none' | 'yes' | 'no', others: SectionDoc[] = [], navNote = false): Record<string, unknown> {
    return renderCard('answer', {
      navNote: navNote ? nb.answer.navNote : '',
      othersTitle: nb.answer.others,
      others: others.map((d) => ({ url: d.url, label: mdLinkText(d.heading === d.title ? d.title : `${d.heading} – ${d.title}`) })),
      heading: doc.heading,
      source: nb.answer.source(doc.title),
      excerpt: question ? faq.excerpt(doc, question) : faq.excerpt(doc, doc.heading),
      question: question.slice(0, 2000),
      updated: doc.updated ? nb.answer.updated(nbDate(doc.updated)) : '',
      general: nb.answer.general,
      helpfulTitle: nb.answer.helpful,
      notHelpfulTitle: nb.answer.notHelpful,
      readMoreTitle: nb.answer.readMore,
      thanks: nb.answer.thanks,
      nextStep: nb.answer.nextStep,
      contactTitle: nb.answer.contactTitle,
      contactUrl: this.o.contactUrl(),
      url: doc.url,
      canEscalate: Boolean(this.o.tickets),
      canBook: Boolean(this.o.booking),
      bookTitle: nb.answer.book,
      escalateTitle: nb.escalate.toTeam,
      questionId,
      sectionId: doc.id,
      feedback,
    });
  }

  /** Universal Actions (Action.Execute): the returned card replaces the one clicked. */
  protected override async onAdaptiveCardInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = value?.action?.verb;
    const data = { ...((value?.action?.data as Record<string, unknown>) ?? {}), verb };
    return universalActionResponse(await this.handleAction(turnOf(ctx), data)) as AdaptiveCardInvokeResponse;
  }

  /** Other invokes (unknown names) get a clear 501 instead of a hang. */
  protected override async onInvokeActivity(ctx: TurnContext): Promise<InvokeResponse> {
    const name = turnOf(ctx).name;
    if (name === 'adaptiveCard/action') return super.onInvokeActivity(ctx);
    this.o.log.info({ event: 'invoke_not_supported', name: String(name ?? '').slice(0, 80) });
    return { status: 501 };
  }

  private async handleAction(turn: Turn, raw: Record<string, unknown>): Promise<ActionResult> {
    const { verb, msteams: _msteams, ...data } = raw;
    const faq = this.o.faq();
    if (typeof verb === 'string') {
      const r = (await this.o.tickets?.onAction(turn, verb, data)) ?? (await this.o.booking?.onAction(turn, verb, data));
      if (r) return r;
    }
    try {
      switch (verb) {
        case 'ask': {
          const d = AskData.parse(data);
          await this.answer(turn, d.question);
          return {};
        }
        case 'feedback': {
          const d = FeedbackData.parse(data);
          const owned = await this.ownQuestion(turn, d.questionId);
          if ('message' in owned) return owned;
          const updated = await this.o.store.setFeedback(d.questionId, d.helpful, new Date().toISOString());
          if (!updated) return { message: nb.unknownQuestion, status: 404 };
          this.o.log.info({ event: 'feedback', questionId: d.questionId, helpful: d.helpful });
          const doc = faq?.section(d.sectionId ?? owned.q.topSectionId ?? '');
          if (!faq || !doc) return { message: d.helpful ? nb.answer.thanks : nb.answer.nextStep };
          // The card stays as it was (same excerpt, from the question the card carries; Veiviser
          // keeps no text of answered questions), with thanks or the next step added.
          const question = d.question ?? '';
          return { card: this.answerCard(faq, doc, question, d.questionId, d.helpful ? 'yes' : 'no', [], Boolean(question) && faq.analyzer.isNavQuestion(question)) };
        }
        case 'choose': {
          const d = ChooseData.parse(data);
          const owned = await this.ownQuestion(turn, d.questionId);
          if ('message' in owned) return owned;
          const doc = faq?.section(d.sectionId);
          if (!faq || !doc) return { message: nb.unknownSection, status: 404 };
          // The veileder's choice is a label for the decision (which candidate was right).
          if (d.rank !== undefined) await this.o.store.setChoice(d.questionId, d.rank, new Date().toISOString());
          return { card: this.answerCard(faq, doc, d.question ?? owned.q.text ?? '', d.questionId, 'none') };
        }
        case 'none': {
          const d = NoneData.parse(data);
          const owned = await this.ownQuestion(turn, d.questionId);
          if ('message' in owned) return owned;
          // «Ingen av disse»: none of the candidates was right — a label, and the way on to the team, with the question carried along.
          await this.o.store.setChoice(d.questionId, -1, new Date().toISOString());
          return { card: this.escalateCard(d.question ?? owned.q.text ?? '') };
        }
        default:
          this.o.log.info({ event: 'card_action_rejected', reason: 'unknown verb' });
          return { message: commonTexts.invalidAction, status: 400 };
      }
    } catch (err) {
      if (err instanceof z.ZodError) {
        this.o.log.info({ event: 'card_action_rejected', reason: 'invalid data', verb: String(verb).slice(0, 40) });
        return { message: commonTexts.invalidAction, status: 400 };
      }
      throw err;
    }
  }

  /** A card action on a question is allowed only for the person who asked it. */
  private async ownQuestion(turn: Turn, questionId: string): Promise<{ q: QuestionRecord } | { message: string; status: number }> {
    const q = await this.o.store.getQuestion(questionId);
    if (!q) return { message: nb.unknownQuestion, status: 404 };
    if (q.userHash !== hashUser(turn.actor.aadObjectId ?? turn.actor.id)) {
      this.o.log.warn({ event: 'card_action_rejected', reason: 'not the asker', questionId });
      return { message: nb.feedbackNotYours, status: 403 };
    }
    return { q };
  }
}

/** The Turn built for this activity in run() (built here for a handler reached some other way). */
function turnOf(ctx: TurnContext): Turn {
  return (ctx.turnState.get(TURN) as Turn | undefined) ?? fromTurnContext(ctx);
}
