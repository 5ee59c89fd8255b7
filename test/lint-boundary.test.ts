import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

/** The house's boundary rule (eslint.config.js): domain folders never import botbuilder or express. */
describe('lint: the domain boundary', function () {
  this.timeout(60_000);
  const eslint = new ESLint();
  const lint = async (file: string, code: string): Promise<string[]> => {
    const [r] = await eslint.lintText(code, { filePath: file });
    return r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };
  const DOMAIN = ['src/tickets/x.ts', 'src/tickets/commands/x.ts', 'src/booking/x.ts', 'src/calendar/x.ts', 'src/faq/x.ts', 'src/store/x.ts', 'src/stats/x.ts', 'src/privacy/x.ts', 'src/outbox/outbox.ts'];

  it('fails a domain file that imports botbuilder, a botbuilder package or express', async () => {
    for (const file of DOMAIN) {
      assert.equal((await lint(file, "import { TurnContext } from 'botbuilder';\nexport type T = TurnContext;\n")).length, 1, `${file}: botbuilder`);
      assert.equal((await lint(file, "import type { Request } from 'express';\nexport type R = Request;\n")).length, 1, `${file}: express`);
      assert.equal((await lint(file, "import { CloudAdapter } from 'botbuilder-core';\nexport const a = CloudAdapter;\n")).length, 1, `${file}: botbuilder-core`);
    }
  });

  it('lets the Teams seam, the sender and the HTTP edge import them', async () => {
    for (const file of ['src/bot/x.ts', 'src/outbox/bot-sender.ts', 'src/server.ts', 'src/tab/x.ts', 'src/http/x.ts']) {
      assert.deepEqual(await lint(file, "import { TurnContext } from 'botbuilder';\nimport type { Request } from 'express';\nexport type T = [TurnContext, Request];\n"), [], file);
    }
  });
});
