/**
 * Who is using the tab. In Teams the page gets a single sign-on token
 * (`authentication.getAuthToken`); the server validates it as an Entra ID access token —
 * signature against the tenant's published keys, audience (the SSO app), issuer matching the
 * token's tenant, tenant allow-list, the `access_as_user` scope — and derives the roles from the
 * team's roster or configured Entra groups. Outside Teams, on a developer's machine, an explicit
 * development login gives a short-lived signed token; it does not exist with NODE_ENV=production
 * or when bot credentials are set.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { tabTexts } from '../text/tab.nb.js';

/** team: the queue and bookings; admin: also settings; leder: statistics; veileder: only their own tickets and talks. */
export type TabRole = 'team' | 'admin' | 'leder' | 'veileder';

export interface TabUser {
  /** Entra object id (the same id the bot sees as aadObjectId), or "dev:…" in local mode. */
  id: string;
  name: string;
  tenantId?: string;
  roles: TabRole[];
  mode: 'teams' | 'local';
}

/** What the roster says about a person (from the teams that receive tickets). */
export interface TeamMembership {
  /** Member of at least one team with an escalation channel. */
  member: boolean;
  /** Owner of at least one of them (where the roster reports owners). */
  owner: boolean;
  /** Ids of the teams the person is on. */
  teamIds: string[];
}

export interface TabAuthOptions {
  /** The Entra app of the tab's SSO (webApplicationInfo.id); undefined = SSO not configured. */
  ssoAppId?: string;
  /** Accepted audiences besides the app id (the application ID URI api://<host>/<id>). */
  audiences: string[];
  /** Tenants whose users may sign in; must not be empty when SSO is configured. */
  tenants: string[];
  /** Where the signing keys are published (default: Entra ID's common v2 keys). */
  jwksUrl?: string;
  /** Tests: the keys directly. */
  keys?: JWTVerifyGetKey;
  adminIds: string[];
  groups: { team: string[]; admin: string[]; leder: string[] };
  membership: (userId: string) => Promise<TeamMembership>;
  /** The secret signing development tokens; undefined = no development login (production). */
  devSecret?: string;
  now?: () => Date;
}

export class TabAuthError extends Error {
  constructor(readonly status: 401 | 403 | 503, message: string) {
    super(message);
    this.name = 'TabAuthError';
  }
}

const ENTRA_KEYS = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';
const DEV_TTL_S = 8 * 3600;

export class TabAuth {
  private readonly keys?: JWTVerifyGetKey;
  private readonly now: () => Date;
  constructor(private readonly o: TabAuthOptions) {
    this.now = o.now ?? (() => new Date());
    if (o.ssoAppId) this.keys = o.keys ?? createRemoteJWKSet(new URL(o.jwksUrl ?? ENTRA_KEYS), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  }

  get devLoginEnabled(): boolean {
    return Boolean(this.o.devSecret);
  }

  get ssoEnabled(): boolean {
    return Boolean(this.keys);
  }

  /** The user behind an Authorization header, or a TabAuthError (401 no/invalid token, 403 no access). */
  async identify(header: string | undefined): Promise<TabUser> {
    const token = /^Bearer ([A-Za-z0-9._~+/=-]{10,8192})$/.exec(header ?? '')?.[1];
    if (!token) throw new TabAuthError(401, tabTexts.auth.notSignedIn);
    const user = token.startsWith('dev.') ? this.devUser(token) : await this.entraUser(token);
    return user;
  }

  /** A development token for local mode (never in production). */
  devLogin(name: string, roles: TabRole[]): string {
    if (!this.o.devSecret) throw new TabAuthError(403, tabTexts.auth.devLoginOff);
    const clean = name.trim().slice(0, 80) || 'Utvikler';
    const payload = { id: `dev:${clean.toLowerCase().replace(/[^a-z0-9æøå]+/g, '-')}`, name: clean, roles, exp: Math.floor(this.now().getTime() / 1000) + DEV_TTL_S };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `dev.${body}.${this.sign(body)}`;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.o.devSecret ?? '').update(body).digest('base64url');
  }

  private devUser(token: string): TabUser {
    if (!this.o.devSecret) throw new TabAuthError(401, tabTexts.auth.devLoginNotHere);
    const [, body, sig] = token.split('.');
    const want = Buffer.from(this.sign(body ?? ''));
    const got = Buffer.from(sig ?? '');
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new TabAuthError(401, tabTexts.auth.invalid);
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { id: string; name: string; roles: TabRole[]; exp: number };
    if (p.exp * 1000 < this.now().getTime()) throw new TabAuthError(401, tabTexts.auth.expiredSignInAgain);
    return { id: p.id, name: p.name, roles: p.roles, mode: 'local' };
  }

  private async entraUser(token: string): Promise<TabUser> {
    if (!this.keys || !this.o.ssoAppId) throw new TabAuthError(401, tabTexts.auth.ssoNotSetUp);
    if (this.o.tenants.length === 0) throw new TabAuthError(403, tabTexts.auth.noTenantAllowed);
    let claims: JWTPayload & { tid?: string; oid?: string; name?: string; preferred_username?: string; scp?: string; groups?: string[] };
    try {
      const r = await jwtVerify(token, this.keys, {
        audience: [this.o.ssoAppId, ...this.o.audiences],
        algorithms: ['RS256'],
        clockTolerance: 120,
        currentDate: this.now(),
      });
      claims = r.payload;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC') throw new TabAuthError(503, tabTexts.auth.keysUnavailable);
      throw new TabAuthError(401, code === 'ERR_JWT_EXPIRED' ? tabTexts.auth.expired : tabTexts.auth.invalid);
    }
    const tid = claims.tid ?? '';
    const issuers = [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
    if (!tid || !issuers.includes(claims.iss ?? '')) throw new TabAuthError(401, tabTexts.auth.wrongIssuer);
    if (!this.o.tenants.includes(tid)) throw new TabAuthError(403, tabTexts.auth.tenantNotAllowed);
    if (!(claims.scp ?? '').split(' ').includes('access_as_user')) throw new TabAuthError(401, tabTexts.auth.missingScope);
    if (!claims.oid) throw new TabAuthError(401, tabTexts.auth.missingUserId);
    const groups = Array.isArray(claims.groups) ? claims.groups : [];
    const inGroup = (ids: string[]) => ids.some((g) => groups.includes(g));
    let membership: TeamMembership;
    try {
      membership = await this.o.membership(claims.oid);
    } catch {
      throw new TabAuthError(503, tabTexts.auth.rosterUnavailable);
    }
    const roles = new Set<TabRole>();
    if (this.o.adminIds.includes(claims.oid) || inGroup(this.o.groups.admin) || membership.owner) roles.add('admin');
    if (roles.has('admin') || membership.member || inGroup(this.o.groups.team)) roles.add('team');
    if (inGroup(this.o.groups.leder)) roles.add('leder');
    // Everyone else signed in from an allowed tenant is a veileder: their own tickets and talks only.
    if (roles.size === 0) roles.add('veileder');
    return { id: claims.oid, name: claims.name ?? claims.preferred_username ?? 'Ukjent', tenantId: tid, roles: [...roles], mode: 'teams' };
  }
}
