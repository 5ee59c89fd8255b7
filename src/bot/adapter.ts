/**
 * The Bot Framework adapter (botbuilder's CloudAdapter, anonymous without credentials) and what
 * the rest of the app needs of it: the /api/messages endpoint for src/server.ts (run a request
 * through the bot; the SDK's own token check), proactive turns for the team directory, and the
 * adapter itself for the outbox's sender. A turn that fails is logged and, for a message,
 * answered with an apology.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ActivityHandler,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationReference,
} from 'botbuilder';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { BotAuthenticator, BotEndpoint } from '../server.js';
import { commonTexts } from '../text/common.nb.js';
import { fromTurnContext, type ProactiveTurns, type Turn } from './turn.js';

export class TeamsAdapter implements ProactiveTurns {
  /** botbuilder's adapter (the outbox's BotSender posts through it). */
  readonly cloud: CloudAdapter;
  /** The bot's Microsoft app id; empty when anonymous (local, tests). */
  readonly botAppId: string;

  constructor(credentials: Config['bot'], log: Logger) {
    const authOptions: ConfigurationBotFrameworkAuthenticationOptions = credentials
      ? { MicrosoftAppId: credentials.appId, MicrosoftAppPassword: credentials.password ?? '', MicrosoftAppType: credentials.appType, MicrosoftAppTenantId: credentials.tenantId ?? '' }
      : {};
    this.botAppId = credentials?.appId ?? '';
    this.cloud = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(authOptions));
    this.cloud.onTurnError = async (ctx, err) => {
      log.error({ event: 'turn_error', err: err.message, type: ctx.activity.type });
      if (ctx.activity.type === 'message') await ctx.sendActivity(commonTexts.error).catch(() => undefined);
    };
  }

  /** A turn of the bot's own in a stored conversation (e.g. to read a team's roster). */
  async continueConversation(reference: Record<string, unknown>, logic: (turn: Turn) => Promise<void>): Promise<void> {
    await this.cloud.continueConversationAsync(this.botAppId, reference as Partial<ConversationReference>, async (ctx) => logic(fromTurnContext(ctx)));
  }

  /** /api/messages for this bot: each request runs one activity through it. */
  endpoint(bot: ActivityHandler): BotEndpoint {
    return {
      process: (req: Request, res: Response) => this.cloud.process(req, res, (ctx) => bot.run(ctx)),
      authenticator: () => authenticatorOf(this.cloud),
    };
  }
}

/**
 * The BotFrameworkAuthentication the adapter validates with (CloudAdapterBase keeps it protected):
 * the same configuration, so the edge accepts exactly the tokens the SDK accepts.
 */
function authenticatorOf(adapter: CloudAdapter): BotAuthenticator {
  const auth = (adapter as unknown as { botFrameworkAuthentication?: Partial<BotAuthenticator> }).botFrameworkAuthentication;
  if (typeof auth?.authenticateRequest !== 'function') throw new Error('CloudAdapter har ingen botFrameworkAuthentication');
  return auth as BotAuthenticator;
}
