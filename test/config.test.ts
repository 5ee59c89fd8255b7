import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, ENV_VARIABLES, loadConfig, loadToolConfig } from '../src/config.js';

describe('configuration', () => {
  it('runs anonymously for local use with embedded defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3978);
    assert.equal(c.bot, undefined);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.siteUrl, undefined, 'no site configured: the bundled demo site is used');
    assert.equal(c.recrawlMinutes, 1440);
  });

  it('refuses to start in production without Bot Framework credentials', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), (e: Error) => e instanceof ConfigError && /MicrosoftAppId/.test(e.message) && /NODE_ENV=production/.test(e.message));
  });

  it('accepts single-tenant credentials and managed identity, and names what is missing', () => {
    const st = loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: 'tenant' });
    assert.deepEqual(st.bot, { appType: 'SingleTenant', appId: 'app', password: 'secret', tenantId: 'tenant' });
    assert.equal(st.host, '0.0.0.0');
    const msi = loadConfig({ NODE_ENV: 'production', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: 'msi-client-id', MicrosoftAppTenantId: 'tenant' });
    assert.equal(msi.bot?.appType, 'UserAssignedMSI');
    assert.throws(() => loadConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'x' }), /MicrosoftAppTenantId/);
    assert.throws(() => loadConfig({ MicrosoftAppId: 'app', MicrosoftAppTenantId: 't' }), /MicrosoftAppPassword/);
    assert.throws(() => loadConfig({ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: 'a', MicrosoftAppTenantId: 't', MicrosoftAppPassword: 'x' }), /MicrosoftAppPassword/);
  });

  it('names the variable in every validation error', () => {
    assert.throws(() => loadConfig({ PORT: 'abc' }), /PORT/);
    assert.throws(() => loadConfig({ FAQ_SITE_URL: 'not a url' }), /FAQ_SITE_URL/);
    assert.throws(() => loadConfig({ MicrosoftAppType: 'Whatever' }), /MicrosoftAppType/);
    assert.throws(() => loadConfig({ CRAWL_CONCURRENCY: '99' }), /CRAWL_CONCURRENCY/);
  });

  it('reads the tenant allow-list as a comma-separated list', () => {
    assert.deepEqual(loadConfig({ ALLOWED_TENANT_IDS: ' a , b,,c ' }).allowedTenantIds, ['a', 'b', 'c']);
  });

  it('gives the command-line tools only their part: the store and the FAQ files, whatever else the environment holds', () => {
    const tool = loadToolConfig({ NODE_ENV: 'production', PORT: 'abc', FAQ_LEXICON_FILE: 'lex.json' });
    assert.deepEqual(tool, { dataDir: resolve('data'), database: undefined, curatedFile: undefined, lexiconFile: resolve('lex.json'), decisionModelFile: undefined });
    const app = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/v', VEIVISER_DATA_DIR: 'd' });
    const pg = loadToolConfig({ DATABASE_URL: 'postgres://u:p@db:5432/v', VEIVISER_DATA_DIR: 'd' });
    assert.deepEqual(pg, { dataDir: app.dataDir, database: app.database, curatedFile: undefined, lexiconFile: undefined, decisionModelFile: undefined });
    assert.deepEqual(pg.database, { url: 'postgres://u:p@db:5432/v', poolSize: 10 });
    // --data-dir names a lowdb directory: it wins over DATABASE_URL.
    const dir = loadToolConfig({ DATABASE_URL: 'postgres://u:p@db:5432/v' }, { dataDir: 'elsewhere' });
    assert.equal(dir.dataDir, resolve('elsewhere'));
    assert.equal(dir.database, undefined);
    assert.throws(() => loadToolConfig({ DATABASE_URL: 'mysql://x' }), (e: Error) => e instanceof ConfigError && /DATABASE_URL/.test(e.message));
  });

  it('documents every variable it reads in .env.example', () => {
    const example = readFileSync('.env.example', 'utf8');
    for (const v of ENV_VARIABLES) assert.match(example, new RegExp(`^${v}=`, 'm'), `${v} missing from .env.example`);
  });
});
