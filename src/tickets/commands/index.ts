/**
 * The ticket commands, one verb per file: each takes a typed input and the actor, checks who may
 * do it (team verbs against the TeamRoster port), changes the ticket through TicketService, and
 * returns the ticket as it is now or throws a DomainError that each edge maps to its response.
 */
export type { CommandContext, CommandDeps, TicketRef } from './context.js';
export { createTicket, type Created, type CreateInput } from './create.js';
export { takeTicket } from './take.js';
export { assignTicket, type AssignInput } from './assign.js';
export { answerTicket, type AnswerInput } from './answer.js';
export { askVeileder, type AskInput } from './ask-veileder.js';
export { closeTicket } from './close.js';
export { saveAsFaq } from './save-as-faq.js';
export { withdrawTicket } from './withdraw.js';
export { resolveTicket } from './resolve.js';
export { addInfo, type TextInput } from './add-info.js';
export { reopenTicket, type ReopenInput } from './reopen.js';
export { sendWaitingTickets } from './send-to-channel.js';
