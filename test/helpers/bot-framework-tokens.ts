/**
 * Plays Microsoft's Bot Framework token signers for the in-process tests: an RSA key published as
 * OpenID metadata + JWKS on a loopback server, and tokens shaped like the ones the Bot Connector
 * sends a bot (iss https://api.botframework.com, aud = the bot's app id, serviceurl claim, key
 * endorsed for msteams) or the Bot Framework Emulator sends (v1 AAD issuer, appid = the bot).
 *
 * The SDK (botframework-connector) fetches its signing keys from fixed https URLs through one
 * process-wide cache of OpenIdMetadata objects, one per URL; `install` puts entries there that
 * read this loopback server instead, so the app's own, unchanged token check validates these
 * tokens. `close` puts the cache back as it was. Only for in-process apps (startHarness).
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

const require = createRequire(import.meta.url);

/** Where the SDK reads the Bot Connector's and the Emulator's keys (AuthenticationConstants). */
const CHANNEL_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
const EMULATOR_METADATA_URL = 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration';
const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

interface OpenIdMetadataCtor { new (url: string): unknown }
type MetadataCache = Map<string, unknown>;

export interface FakeBotFrameworkSigner {
  /** A token the Bot Connector would send: for app `appId`, about activities from `serviceUrl`. */
  channelToken(appId: string, serviceUrl: string, opts?: { key?: 'published' | 'other'; over?: Record<string, unknown> }): Promise<string>;
  /** A token the Bot Framework Emulator would send (v1, appid = aud = the bot's app id). */
  emulatorToken(appId: string): Promise<string>;
  close(): Promise<void>;
}

export async function installFakeBotFrameworkSigner(): Promise<FakeBotFrameworkSigner> {
  const published = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(published.publicKey)), use: 'sig', alg: 'RS256' };
  const server: Server = createServer((req, res) => {
    const base = `http://127.0.0.1:${port}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/channel/openid') res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/channel/keys` }));
    else if (req.url === '/channel/keys') res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'bf-key', endorsements: ['msteams'] }] }));
    else if (req.url === '/emulator/openid') res.end(JSON.stringify({ issuer: EMULATOR_ISSUER, jwks_uri: `${base}/emulator/keys` }));
    else res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'emu-key' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;

  // The same CommonJS module instances botbuilder loaded (require cache), not copies.
  const { JwtTokenExtractor } = require('botframework-connector/lib/auth/jwtTokenExtractor.js') as { JwtTokenExtractor: unknown };
  const { OpenIdMetadata } = require('botframework-connector/lib/auth/openIdMetadata.js') as { OpenIdMetadata: OpenIdMetadataCtor };
  const cache = (JwtTokenExtractor as { openIdMetadataCache: MetadataCache }).openIdMetadataCache;
  const before = new Map([CHANNEL_METADATA_URL, EMULATOR_METADATA_URL].map((u) => [u, cache.get(u)]));
  cache.set(CHANNEL_METADATA_URL, new OpenIdMetadata(`http://127.0.0.1:${port}/channel/openid`));
  cache.set(EMULATOR_METADATA_URL, new OpenIdMetadata(`http://127.0.0.1:${port}/emulator/openid`));

  const sign = (claims: Record<string, unknown>, kid: string, key: CryptoKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).setIssuedAt().setNotBefore('0s').setExpirationTime('1h').sign(key);

  return {
    channelToken(appId, serviceUrl, opts = {}) {
      return sign({ iss: 'https://api.botframework.com', aud: appId, serviceurl: serviceUrl, ...opts.over }, 'bf-key', opts.key === 'other' ? other.privateKey : published.privateKey);
    },
    emulatorToken(appId) {
      return sign({ iss: EMULATOR_ISSUER, aud: appId, appid: appId, ver: '1.0' }, 'emu-key', published.privateKey);
    },
    async close() {
      for (const [u, m] of before) {
        if (m) cache.set(u, m);
        else cache.delete(u);
      }
      await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
    },
  };
}
