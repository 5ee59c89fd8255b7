/**
 * Configuration, read once from the environment by the composition root (and by the
 * command-line tools, for the part they use) and validated with zod; `Config` is the schema's
 * output. Every error names the variable. No other module reads process.env.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const optionalString = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().optional());
const intIn = (min: number, max: number, def: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? def : Number(v)), z.number().int().min(min).max(max));
const url = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional());

const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intIn(0, 65535, 3978),
  HOST: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MicrosoftAppType: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).default('SingleTenant'),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppTenantId: optionalString,
  ALLOWED_TENANT_IDS: optionalString,
  VEIVISER_DATA_DIR: z.string().default('data'),
  FAQ_SITE_URL: url,
  DEMO_SITE_PORT: intIn(0, 65535, 3980),
  FAQ_CURATED_FILE: optionalString,
  FAQ_LEXICON_FILE: optionalString,
  FAQ_DECISION_MODEL_FILE: optionalString,
  FAQ_CONTACT_URL: url,
  FAQ_RECRAWL_INTERVAL_MINUTES: intIn(0, 60 * 24 * 31, 1440),
  CRAWL_CONCURRENCY: intIn(1, 16, 4),
  CRAWL_DELAY_MS: intIn(0, 60_000, 100),
  MAX_MESSAGE_LENGTH: intIn(100, 20_000, 2000),
  TEAM_ADMIN_IDS: optionalString,
  TICKET_REOPEN_DAYS: intIn(0, 365, 30),
  OUTBOX_POLL_MS: intIn(50, 60_000, 1000),
  TICKET_REMINDER_WORKING_HOURS: intIn(0, 200, 4),
  TICKET_RETENTION_DAYS: intIn(1, 3650, 180),
  TICKET_AUTOCLOSE_DAYS: intIn(0, 365, 14),
  TRUST_PROXY_HOPS: intIn(0, 5, 0),
  QUESTION_TEXT_RETENTION_DAYS: intIn(1, 3650, 90),
  OUTBOX_KEEP_DAYS: intIn(1, 365, 7),
  GRAPH_TENANT_ID: optionalString,
  GRAPH_CLIENT_ID: optionalString,
  GRAPH_CLIENT_SECRET: optionalString,
  COUNSELLORS_FILE: optionalString,
  BOOKING_HOLD_HOURS: intIn(1, 24 * 14, 24),
  BOOKING_BUFFER_MINUTES: intIn(0, 240, 15),
  BOOKING_NOTICE_WORKING_DAYS: intIn(0, 30, 1),
  BOOKING_PERIOD_WORKING_DAYS: intIn(1, 60, 10),
  PUBLIC_BASE_URL: url,
  VEILEDER_CALENDAR_TENANT_IDS: optionalString,
  TEAMS_SSO_APP_ID: optionalString,
  DATABASE_URL: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().regex(/^postgres(ql)?:\/\//, 'skal være en PostgreSQL-URL (postgres://bruker:passord@vert:5432/database)').optional()),
  DATABASE_POOL_SIZE: intIn(1, 100, 10),
  CONTENT_POLL_SECONDS: intIn(1, 3600, 10),
  RATE_LIMIT_PER_MINUTE: intIn(0, 100_000, 60),
  METRICS_TOKEN: optionalString,
  TAB_TEAM_GROUP_IDS: optionalString,
  TAB_ADMIN_GROUP_IDS: optionalString,
  TAB_LEADER_GROUP_IDS: optionalString,
});

/** Every environment variable Veiviser reads (all are documented in .env.example). */
export const ENV_VARIABLES = Object.keys(Env.shape);

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const file = (v: string | undefined): string | undefined => (v ? resolve(v) : undefined);
type EnvValues = z.output<typeof Env>;

/** The variables the app and the command-line tools share: where the data is kept, and the FAQ's files. */
const ToolEnv = Env.pick({ VEIVISER_DATA_DIR: true, DATABASE_URL: true, DATABASE_POOL_SIZE: true, FAQ_CURATED_FILE: true, FAQ_LEXICON_FILE: true, FAQ_DECISION_MODEL_FILE: true });

const storeAndFaqFiles = (e: z.output<typeof ToolEnv>) => ({
  dataDir: resolve(e.VEIVISER_DATA_DIR),
  /** PostgreSQL for several instances; undefined = the lowdb files in dataDir (one process). */
  database: e.DATABASE_URL ? { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : undefined,
  curatedFile: file(e.FAQ_CURATED_FILE),
  lexiconFile: file(e.FAQ_LEXICON_FILE),
  /** The FAQ's learned decision (npm run calibrate); default src/faq/decision-model.json. */
  decisionModelFile: file(e.FAQ_DECISION_MODEL_FILE),
});

/** Rules between variables (zod checks each one alone); each problem names its variable. */
function checkCombinations(e: EnvValues, ctx: z.RefinementCtx): void {
  const problem = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
  if (e.MicrosoftAppId) {
    if (e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) problem('MicrosoftAppPassword', `mangler (kreves for MicrosoftAppType=${e.MicrosoftAppType})`);
    if (e.MicrosoftAppType === 'UserAssignedMSI' && e.MicrosoftAppPassword) problem('MicrosoftAppPassword', 'skal ikke settes med MicrosoftAppType=UserAssignedMSI (administrert identitet)');
    if (e.MicrosoftAppType !== 'MultiTenant' && !e.MicrosoftAppTenantId) problem('MicrosoftAppTenantId', `mangler (kreves for MicrosoftAppType=${e.MicrosoftAppType})`);
  } else {
    if (e.MicrosoftAppPassword) problem('MicrosoftAppId', 'mangler, men MicrosoftAppPassword er satt');
    if (e.NODE_ENV === 'production') {
      problem('MicrosoftAppId', 'mangler. Med NODE_ENV=production starter ikke Veiviser uten Bot Framework-legitimasjon, fordi boten da ville godta uautentiserte forespørsler');
    }
  }
  const graphVars = [e.GRAPH_TENANT_ID, e.GRAPH_CLIENT_ID, e.GRAPH_CLIENT_SECRET];
  if (graphVars.some(Boolean) && !graphVars.every(Boolean)) {
    for (const [name, v] of [['GRAPH_TENANT_ID', e.GRAPH_TENANT_ID], ['GRAPH_CLIENT_ID', e.GRAPH_CLIENT_ID], ['GRAPH_CLIENT_SECRET', e.GRAPH_CLIENT_SECRET]] as const) {
      if (!v) problem(name, 'mangler (alle tre GRAPH_-variablene må settes for å bruke Microsoft Graph)');
    }
  }
}

/** The environment, validated, in the shape the app uses. */
const ConfigSchema = Env.superRefine(checkCombinations).transform((e) => ({
  env: e.NODE_ENV,
  port: e.PORT,
  host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
  logLevel: e.LOG_LEVEL,
  /** Bot Framework credentials; undefined = anonymous local mode (never in production). */
  bot: e.MicrosoftAppId ? { appType: e.MicrosoftAppType, appId: e.MicrosoftAppId, password: e.MicrosoftAppPassword, tenantId: e.MicrosoftAppTenantId } : undefined,
  /** Tenants whose activities get an answer; empty = all. */
  allowedTenantIds: list(e.ALLOWED_TENANT_IDS),
  ...storeAndFaqFiles(e),
  /** The county site to crawl; undefined = the bundled demo site. */
  siteUrl: e.FAQ_SITE_URL,
  demoSitePort: e.DEMO_SITE_PORT,
  /** Where the escalate outcome sends people until tickets exist; default: the site's contact page. */
  contactUrl: e.FAQ_CONTACT_URL,
  recrawlMinutes: e.FAQ_RECRAWL_INTERVAL_MINUTES,
  crawlConcurrency: e.CRAWL_CONCURRENCY,
  crawlDelayMs: e.CRAWL_DELAY_MS,
  maxMessageLength: e.MAX_MESSAGE_LENGTH,
  /** AAD object ids (or Teams ids) of Veiviser administrators: may choose escalation channels in any team. */
  adminIds: list(e.TEAM_ADMIN_IDS),
  /** Days after an answer during which the veileder may reopen a ticket with a follow-up. */
  reopenDays: e.TICKET_REOPEN_DAYS,
  /** How often the outbox worker looks for messages to deliver. */
  outboxPollMs: e.OUTBOX_POLL_MS,
  /** Working hours (Europe/Oslo) before an untaken ticket is re-announced; 0 = never. */
  reminderHours: e.TICKET_REMINDER_WORKING_HOURS,
  /** Days after closing when a ticket's free text is deleted. */
  retentionDays: e.TICKET_RETENTION_DAYS,
  /** Days after the team's answer when an answered ticket nobody reacts to is closed; 0 = never. */
  autoCloseDays: e.TICKET_AUTOCLOSE_DAYS,
  /** Reverse proxies in front of the app (Azure App Service's front end: 1) whose client address is trusted. */
  trustProxyHops: e.TRUST_PROXY_HOPS,
  /** Days after which the text of questions Veiviser could not answer is dropped from the question log. */
  questionTextRetentionDays: e.QUESTION_TEXT_RETENTION_DAYS,
  /** Days a delivered (or failed) outbox message is kept; the ticket cards later changes update stay longer. */
  outboxKeepDays: e.OUTBOX_KEEP_DAYS,
  /** Microsoft Graph app-only credentials for the counsellors' calendars; undefined = the embedded calendar. */
  graph: e.GRAPH_TENANT_ID && e.GRAPH_CLIENT_ID && e.GRAPH_CLIENT_SECRET ? { tenantId: e.GRAPH_TENANT_ID, clientId: e.GRAPH_CLIENT_ID, clientSecret: e.GRAPH_CLIENT_SECRET } : undefined,
  /** The counsellor directory; undefined = the bundled demo counsellors. */
  counsellorsFile: file(e.COUNSELLORS_FILE),
  /** The app's public HTTPS address (for links such as .ics files); default: where it listens. */
  publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/$/, ''),
  /** Tenants whose veiledere's calendars the app may read (usually only the county's own). */
  veilederCalendarTenantIds: list(e.VEILEDER_CALENDAR_TENANT_IDS),
  /** How often an instance checks whether another instance changed the content (PostgreSQL only). */
  contentPollSeconds: e.CONTENT_POLL_SECONDS,
  /** Requests per user per minute on /api/messages (and per signed-in user on /api/tab); 0 = no limit. */
  rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
  /** Bearer token for /metrics; undefined = open (restrict it at the load balancer). */
  metricsToken: e.METRICS_TOKEN,
  /** The tab's single sign-on: the Entra app id (default: the bot's) and groups that give roles. */
  tab: { ssoAppId: e.TEAMS_SSO_APP_ID ?? e.MicrosoftAppId, groups: { team: list(e.TAB_TEAM_GROUP_IDS), admin: list(e.TAB_ADMIN_GROUP_IDS), leder: list(e.TAB_LEADER_GROUP_IDS) } },
  booking: { holdHours: e.BOOKING_HOLD_HOURS, bufferMinutes: e.BOOKING_BUFFER_MINUTES, noticeWorkingDays: e.BOOKING_NOTICE_WORKING_DAYS, periodWorkingDays: e.BOOKING_PERIOD_WORKING_DAYS },
}));

export type Config = z.output<typeof ConfigSchema>;

/** What the command-line tools (npm run ingest, npm run ask) need: the store and the FAQ's files. */
const ToolSchema = ToolEnv.transform(storeAndFaqFiles);

export type ToolConfig = z.output<typeof ToolSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function parse<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(miljø)'}: ${i.message}`);
    throw new ConfigError(`Ugyldig konfigurasjon:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

/** Reads and validates the configuration; throws ConfigError with one line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parse(ConfigSchema, env);
}

/**
 * The command-line tools' configuration: only the variables they use are read (so that, say, a
 * production environment without bot credentials does not stop them). An explicit data directory
 * (--data-dir) means the lowdb store in it, whatever DATABASE_URL says.
 */
export function loadToolConfig(env: NodeJS.ProcessEnv = process.env, overrides: { dataDir?: string } = {}): ToolConfig {
  const config = parse(ToolSchema, env);
  return overrides.dataDir === undefined ? config : { ...config, dataDir: resolve(overrides.dataDir), database: undefined };
}

/** For entry points: the config, or a clear message on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  return orExit(() => loadConfig(env));
}

/** For the command-line tools: their config, or a clear message on stderr and exit code 2. */
export function loadToolConfigOrExit(env: NodeJS.ProcessEnv = process.env, overrides: { dataDir?: string } = {}): ToolConfig {
  return orExit(() => loadToolConfig(env, overrides));
}

function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
