import assert from 'node:assert/strict';
import { answerTicket, saveAsFaq } from '../../../src/tickets/commands/index.js';
import { fixture, ola, refusedWith, teamVerbContract, type Fixture } from './fixture.js';

const answered = (f: Fixture, t: { id: string; version: number }) => answerTicket(f.c, ola, { ticketId: t.id, version: t.version, text: 'Ja, som praksiskandidat.' });

describe('command: save as FAQ ("Lagre svaret som FAQ")', () => {
  teamVerbContract((f, actor, t) => saveAsFaq(f.c, actor, { ticketId: t.id, version: t.version }), { action: 'lagret-som-faq', prepare: (f, t) => answered(f, t) });

  it('saves the answer and asks for the FAQ index to be rebuilt, once; not when refused', async () => {
    const f: Fixture = await fixture();
    try {
      const t = await f.ticket();
      await assert.rejects(saveAsFaq(f.c, ola, { ticketId: t.id, version: t.version }), refusedWith('transition'));
      assert.equal(f.faqSaved, 0);
      const a = await answered(f, t);
      const saved = await saveAsFaq(f.c, ola, { ticketId: t.id, version: a.version });
      assert.equal(saved.faq?.answer, 'Ja, som praksiskandidat.');
      assert.equal(f.faqSaved, 1);
    } finally {
      await f.close();
    }
  });
});
