/**
 * The outbox's Sender over botbuilder's CloudAdapter: looks up the stored conversation reference
 * and posts, updates or replies in a thread through the Bot Connector (proactive messaging).
 *
 * Two things botbuilder does that the outbox must not have:
 * - Its ConnectorClient (an @azure/core-client pipeline) retries 408/429/5xx and network errors
 *   on its own, up to 3 times, sleeping through a 429's Retry-After inside the call. The outbox
 *   is the one place that retries (durably, past a restart, within its lease), so the sender
 *   takes the retry policy out of each turn's connector pipeline and puts a timeout in.
 * - A failed call throws a RestError: `statusCode`, `code` (the connector's error code, or
 *   ECONNREFUSED …) and `response.headers.get('retry-after')`. A timeout throws an AbortError.
 *   Both become a DeliveryError the worker classifies.
 */
import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { DeliveryError, deliveryReasons, type SendRequest, type Sender } from './outbox.js';

export interface BotSenderOptions {
  adapter: CloudAdapter;
  /** The bot's Microsoft app id; empty when the adapter is anonymous (local, tests). */
  botAppId: string;
  store: Pick<Store, 'getConversation'>;
  /** Longest wait for the Bot Connector's answer (must be well inside the worker's lease). */
  timeoutMs?: number;
  log?: Logger;
}

/** A Teams channel conversation id without the thread part (`19:…@thread.tacv2;messageid=…`). */
export function channelConversationId(id: string): string {
  return id.split(';messageid=')[0];
}

/** The conversation id that replies in the thread started by `rootActivityId` (Teams channels). */
export function threadConversationId(id: string, rootActivityId: string): string {
  return `${channelConversationId(id)};messageid=${rootActivityId}`;
}

export class BotSender implements Sender {
  private warnedRetry = false;

  constructor(private readonly o: BotSenderOptions) {}

  async send({ message, replaceActivityId, threadRootActivityId }: SendRequest): Promise<{ activityId?: string }> {
    const stored = await this.o.store.getConversation(message.conversationKey);
    const ref = stored?.reference as Partial<ConversationReference> | undefined;
    if (!ref?.conversation?.id || !ref.serviceUrl) {
      throw new DeliveryError(`no stored conversation for ${message.id}`, { permanent: true, code: 'no-conversation', reason: deliveryReasons.noConversation });
    }
    // A reference saved from a message in a channel thread carries that thread in its id: a new
    // post goes to the channel itself, a thread reply to the thread it names.
    const conversationId = threadRootActivityId ? threadConversationId(ref.conversation.id, threadRootActivityId) : channelConversationId(ref.conversation.id);
    const reference: Partial<ConversationReference> = { ...ref, conversation: { ...ref.conversation, id: conversationId }, activityId: undefined };
    const activity = { type: 'message', ...message.activity };

    // Errors are caught inside the turn: the adapter would hand an error thrown from the logic
    // to its onTurnError handler (which logs it and resolves), and the message would look sent.
    let activityId: string | undefined;
    let failure: unknown;
    let done = false;
    try {
      await this.o.adapter.continueConversationAsync(this.o.botAppId, reference, async (ctx) => {
        try {
          this.takeOverRetries(ctx);
          if (message.kind === 'update') {
            if (!replaceActivityId) throw new DeliveryError(`update ${message.id} without an activity to replace`, { permanent: true, reason: deliveryReasons.noActivityId });
            await ctx.updateActivity({ ...activity, id: replaceActivityId });
            activityId = replaceActivityId;
          } else {
            const res = await ctx.sendActivity(activity);
            activityId = res?.id || undefined;
          }
          done = true;
        } catch (err) {
          failure = err;
        }
      });
    } catch (err) {
      failure ??= err;
    }
    if (failure !== undefined) throw toDeliveryError(failure);
    // A middleware that does not call next() skips the logic: nothing was sent.
    if (!done) throw new DeliveryError(`the turn for ${message.id} ended without sending`, { code: 'not-sent' });
    return { activityId };
  }

  /** Removes the SDK's own retries from this turn's connector pipeline and bounds each call. */
  private takeOverRetries(ctx: TurnContext): void {
    const connector = ctx.turnState.get(this.o.adapter.ConnectorClientKey) as { client?: { pipeline?: Pipeline } } | undefined;
    const pipeline = connector?.client?.pipeline;
    if (!pipeline || typeof pipeline.removePolicy !== 'function' || typeof pipeline.addPolicy !== 'function') {
      if (!this.warnedRetry) this.o.log?.warn({ event: 'outbox_sdk_retry_kept' }, 'could not reach the connector pipeline; botbuilder retries inside the outbox attempt');
      this.warnedRetry = true;
      return;
    }
    pipeline.removePolicy({ name: 'defaultRetryPolicy' });
    const timeout = this.o.timeoutMs ?? 20_000;
    pipeline.addPolicy({
      name: 'veiviserOutboxTimeout',
      sendRequest: (request, next) => {
        request.timeout = timeout;
        return next(request);
      },
    });
  }
}

/** The part of @azure/core-rest-pipeline's Pipeline the sender touches. */
interface Pipeline {
  removePolicy(o: { name: string }): unknown;
  addPolicy(policy: { name: string; sendRequest: (request: { timeout: number }, next: (request: unknown) => Promise<unknown>) => Promise<unknown> }): void;
}

interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  response?: { status?: number; headers?: { get(name: string): string | undefined } };
}

/** Turns what botbuilder throws (RestError, AbortError, anything else) into a DeliveryError. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as RestErrorLike;
  const status = e.statusCode ?? e.response?.status;
  if (typeof status === 'number' && status > 0) {
    const retryAfter = e.response?.headers?.get('retry-after') ?? undefined;
    return new DeliveryError(`Bot Connector answered ${status}`, { status, retryAfter, code: e.code });
  }
  if (e.name === 'AbortError') return new DeliveryError('Bot Connector did not answer in time', { code: 'timeout' });
  return new DeliveryError(`Bot Connector not reached (${e.code ?? e.name ?? 'error'})`, { code: e.code ?? e.name ?? 'error' });
}
