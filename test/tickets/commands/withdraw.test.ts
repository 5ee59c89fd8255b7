import { withdrawTicket } from '../../../src/tickets/commands/index.js';
import { veilederVerbContract } from './fixture.js';

describe('command: withdraw ("Trekk saken")', () => {
  veilederVerbContract((f, actor, t) => withdrawTicket(f.c, actor, { ticketId: t.id, version: t.version }), { action: 'trukket' });
});
