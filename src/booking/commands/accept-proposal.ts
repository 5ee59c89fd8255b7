/**
 * Command: the other side accepts a proposed time — the veileder when the counsellor proposed it,
 * the counsellor when the veileder did. The talk is booked (or moved) to that time.
 */
import { DomainError } from '../../domain-error.js';
import type { Booking } from '../model.js';
import { isCounsellorOf, isVeilederOf, loadTalk, mustBeEitherSide, type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';

export async function acceptProposal(d: Pick<BookingCommandDeps, 'service' | 'store'>, input: TalkRef, actor: Actor): Promise<Booking> {
  const b = await loadTalk(d.store, input.bookingId);
  mustBeEitherSide(b, actor, 'godta et nytt tidspunkt');
  // Which side may answer depends on who proposed, so the state is checked next.
  if (b.state !== 'foreslatt' || !b.proposed) throw new DomainError('transition', 'Det er ikke foreslått noe nytt tidspunkt.');
  const byCounsellor = (b.proposedBy ?? 'counsellor') === 'counsellor';
  if (!(byCounsellor ? isVeilederOf(b, actor) : isCounsellorOf(b, actor))) {
    throw new DomainError('forbidden', byCounsellor ? 'Bare veilederen som ba om samtalen kan godta et nytt tidspunkt.' : 'Bare rådgiveren kan godta tidspunktet veilederen foreslår.');
  }
  return d.service.acceptProposal({ bookingId: b.id, actor: { id: actor.id, name: actor.name, mailbox: actor.mailbox }, expectedVersion: input.expectedVersion });
}
