import { addInfo } from '../../../src/tickets/commands/index.js';
import { veilederVerbContract } from './fixture.js';

describe('command: add information', () => {
  veilederVerbContract((f, actor, t) => addInfo(f.c, actor, { ticketId: t.id, version: t.version, text: 'Hun har 80 % stilling.' }), { action: 'info-lagt-til' });
});
