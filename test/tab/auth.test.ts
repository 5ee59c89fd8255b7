import assert from 'node:assert/strict';
import { TabAuth, TabAuthError, type TeamMembership } from '../../src/tab/auth.js';
import { SSO_APP_ID, startFakeEntra, TENANT, type FakeEntra } from '../helpers/entra.js';

const NOBODY: TeamMembership = { member: false, owner: false, teamIds: [] };

describe('tab sign-in: Entra ID tokens from Teams SSO, and the local development login', () => {
  let entra: FakeEntra;
  const members: Record<string, TeamMembership> = {
    'aad-ola': { member: true, owner: false, teamIds: ['team-1'] },
    'aad-eva': { member: true, owner: true, teamIds: ['team-1'] },
  };
  const auth = (over: Partial<ConstructorParameters<typeof TabAuth>[0]> = {}) => new TabAuth({
    ssoAppId: SSO_APP_ID, audiences: [`api://veiviser.example.no/${SSO_APP_ID}`], tenants: [TENANT], jwksUrl: entra.jwksUrl, adminIds: ['aad-admin'],
    groups: { team: ['grp-team'], admin: ['grp-admin'], leder: ['grp-leder'] }, membership: async (id) => members[id] ?? NOBODY, ...over,
  });
  const refused = async (p: Promise<unknown>, status: number, text: RegExp) => {
    await assert.rejects(p, (e: unknown) => e instanceof TabAuthError && e.status === status && text.test(e.message));
  };
  before(async () => { entra = await startFakeEntra(); });
  after(async () => entra?.close());

  it('accepts a valid token, fetching the keys over HTTP, and gives roles from the team roster', async () => {
    const a = auth();
    const ola = await a.identify(`Bearer ${await entra.token()}`);
    assert.deepEqual({ id: ola.id, name: ola.name, roles: ola.roles, mode: ola.mode, tenantId: ola.tenantId }, { id: 'aad-ola', name: 'Ola Rådgiver', roles: ['team'], mode: 'teams', tenantId: TENANT });
    const eva = await a.identify(`Bearer ${await entra.token({ oid: 'aad-eva', name: 'Eva Eier' })}`);
    assert.deepEqual(eva.roles, ['admin', 'team'], 'a team owner administers');
    assert.deepEqual((await a.identify(`Bearer ${await entra.token({ oid: 'aad-admin' })}`)).roles, ['admin', 'team'], 'TEAM_ADMIN_IDS');
    assert.ok(entra.fetches >= 1);
  });

  it('accepts the application ID URI as audience and v1 issuers', async () => {
    const u = await auth().identify(`Bearer ${await entra.token({ aud: `api://veiviser.example.no/${SSO_APP_ID}`, iss: `https://sts.windows.net/${TENANT}/` })}`);
    assert.equal(u.id, 'aad-ola');
  });

  it('gives roles from configured Entra groups (groups claim)', async () => {
    const a = auth();
    assert.deepEqual((await a.identify(`Bearer ${await entra.token({ oid: 'aad-x', groups: ['grp-leder'] })}`)).roles, ['leder']);
    assert.deepEqual((await a.identify(`Bearer ${await entra.token({ oid: 'aad-y', groups: ['grp-team'] })}`)).roles, ['team']);
    assert.deepEqual((await a.identify(`Bearer ${await entra.token({ oid: 'aad-z', groups: ['grp-admin'] })}`)).roles, ['admin', 'team']);
  });

  it('treats anyone else signed in from an allowed tenant as a veileder (own tickets only)', async () => {
    assert.deepEqual((await auth().identify(`Bearer ${await entra.token({ oid: 'aad-kari' })}`)).roles, ['veileder']);
  });

  it('refuses forged, foreign, expired and wrongly aimed tokens (401/403)', async () => {
    const a = auth();
    await refused(a.identify(undefined), 401, /ikke logget inn/);
    await refused(a.identify('Bearer not-a-token-at-all'), 401, /Ugyldig/);
    await refused(a.identify(`Bearer ${await entra.token({}, { key: 'other' })}`), 401, /Ugyldig/);
    await refused(a.identify(`Bearer ${await entra.token({}, { key: 'other', kid: 'unknown' })}`), 401, /Ugyldig/);
    await refused(a.identify(`Bearer ${await entra.token({ aud: 'api://someone-else' })}`), 401, /Ugyldig/);
    await refused(a.identify(`Bearer ${await entra.token({}, { expiresIn: '-10m' })}`), 401, /utløpt/);
    await refused(a.identify(`Bearer ${await entra.token({ iss: 'https://login.microsoftonline.com/other-tenant/v2.0' })}`), 401, /utsteder/);
    await refused(a.identify(`Bearer ${await entra.token({ tid: 'other-tenant' })}`), 403, /Organisasjonen/);
    await refused(a.identify(`Bearer ${await entra.token({ scp: 'User.Read' })}`), 401, /access_as_user/);
    // A token with alg "none" (unsigned) is not a valid JWS for an RS256 key.
    const [head, body] = (await entra.token()).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
    await refused(a.identify(`Bearer ${none}`), 401, /Ugyldig/);
    assert.ok(head);
  });

  it('fails closed: SSO with no tenant allowed refuses everyone', async () => {
    await refused(auth({ tenants: [] }).identify(`Bearer ${await entra.token()}`), 403, /Ingen tenant/);
  });

  it('says "try again" (503) when the roster cannot be read, rather than refusing or letting in', async () => {
    await refused(auth({ membership: async () => { throw new Error('connector down'); } }).identify(`Bearer ${await entra.token()}`), 503, /medlemsliste/);
  });

  it('development login: signed, expiring, and impossible when switched off', async () => {
    let now = new Date('2026-11-22T10:00:00Z');
    const local = auth({ ssoAppId: undefined, devSecret: 'secret-1', now: () => now });
    assert.equal(local.devLoginEnabled, true);
    const token = local.devLogin('Kari Utvikler', ['team']);
    const u = await local.identify(`Bearer ${token}`);
    assert.deepEqual({ id: u.id, roles: u.roles, mode: u.mode }, { id: 'dev:kari-utvikler', roles: ['team'], mode: 'local' });
    // Changing the roles in the token breaks the signature.
    const [, body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), roles: ['admin'] })).toString('base64url');
    await refused(local.identify(`Bearer dev.${forged}.${sig}`), 401, /Ugyldig/);
    // Another installation's secret does not verify it.
    await refused(auth({ devSecret: 'secret-2' }).identify(`Bearer ${token}`), 401, /Ugyldig/);
    now = new Date('2026-11-22T19:00:00Z');
    await refused(local.identify(`Bearer ${token}`), 401, /utløpt/);
    // Production (no secret): no login, and an old development token is refused.
    const prod = auth();
    assert.equal(prod.devLoginEnabled, false);
    assert.throws(() => prod.devLogin('x', ['admin']), TabAuthError);
    await refused(prod.identify(`Bearer ${token}`), 401, /Teams/);
  });
});
