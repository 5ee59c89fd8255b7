/**
 * Send to channel: tickets made while no escalation channel fitted them go to the channel that
 * fits now (oldest first), once a team has chosen one. Veiviser does it, not a person.
 */
import { randomUUID } from 'node:crypto';
import { routeTicket, waitingForChannel } from '../queries.js';
import type { CommandContext } from './context.js';

/** Returns how many waiting tickets were sent. */
export async function sendWaitingTickets(c: CommandContext): Promise<number> {
  let sent = 0;
  const channels = await c.store.listEscalationChannels();
  for (const t of await waitingForChannel(c.store)) {
    const ch = routeTicket(channels, t.section, t.region);
    if (ch && (await c.service.sendToChannel(t.id, { conversationKey: ch.conversationKey, teamId: ch.teamId, cardMessageId: randomUUID() }))) sent++;
  }
  if (sent) c.kickOutbox?.();
  return sent;
}
