/**
 * The one error a domain operation (a ticket or booking command, a service method) throws when it
 * refuses: a code each edge maps to its own response (a card in Teams, a status in the tab's
 * API) and a message in Norwegian that can be shown to the user as it is.
 *
 * - validation: the input is wrong (the user can correct it)
 * - forbidden: this actor may not do this
 * - not-found: what it acts on does not exist (any more)
 * - transition: not from the state it is in now
 * - stale: it changed since the actor saw it (optimistic concurrency)
 * - unavailable: something the check needs (the team roster) cannot be read now; try again
 */
export type DomainErrorCode = 'validation' | 'forbidden' | 'not-found' | 'transition' | 'stale' | 'unavailable';

export class DomainError extends Error {
  constructor(readonly code: DomainErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The HTTP status each refusal answers with, wherever an edge answers over HTTP (the tab's API, a card action's invoke response). */
export const HTTP_STATUS: Record<DomainErrorCode, number> = { validation: 400, forbidden: 403, 'not-found': 404, transition: 409, stale: 409, unavailable: 503 };
