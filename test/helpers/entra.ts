/**
 * Plays Entra ID for the tab's single sign-on: an RSA signing key published as a JWKS on a
 * loopback HTTP server (what login.microsoftonline.com/…/discovery/v2.0/keys serves), and
 * access tokens shaped like the ones Teams hands a tab (v2: aud = the SSO app, iss with the
 * tenant, tid, oid, name, scp access_as_user).
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface FakeEntra {
  jwksUrl: string;
  /** Signs a token; `over` replaces or adds claims; `key: 'other'` signs with a key not published. */
  token(over?: Record<string, unknown>, opts?: { key?: 'published' | 'other'; expiresIn?: string; kid?: string }): Promise<string>;
  /** How many times the keys were fetched. */
  fetches: number;
  close(): Promise<void>;
}

export const SSO_APP_ID = '6f1c2a9e-3b7d-4e21-9a55-0c8e2f4b7d11';
export const TENANT = '8a4f3c2e-1d6b-4f7a-9e0c-5b2d7a1c3e9f';

export async function startFakeEntra(): Promise<FakeEntra> {
  const published = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(published.publicKey)), kid: 'key-1', use: 'sig', alg: 'RS256' };
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches++;
    f.fetches = fetches;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  const f: FakeEntra = {
    jwksUrl: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    fetches: 0,
    async token(over = {}, opts = {}) {
      const tid = (over.tid as string | undefined) ?? TENANT;
      const claims = { tid, oid: 'aad-ola', name: 'Ola Rådgiver', preferred_username: 'ola@fjordvik.example', scp: 'access_as_user', ver: '2.0', ...over };
      const key: CryptoKey = opts.key === 'other' ? other.privateKey : published.privateKey;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'key-1', typ: 'JWT' })
        .setIssuer((over.iss as string | undefined) ?? `https://login.microsoftonline.com/${tid}/v2.0`)
        .setAudience((over.aud as string | undefined) ?? SSO_APP_ID)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '1h')
        .sign(key);
    },
    async close() {
      await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
    },
  };
  return f;
}
