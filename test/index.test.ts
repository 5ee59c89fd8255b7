import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

describe('npm start', function () {
  this.timeout(60_000);
  it('refuses to start in production without Bot Framework credentials, naming the variable', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: '0' };
    delete env.MicrosoftAppId;
    delete env.MicrosoftAppPassword;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MicrosoftAppId/);
    assert.match(r.stderr, /NODE_ENV=production/);
  });
});
