/**
 * The durable outbox: every outgoing Teams message (a ticket card posted or updated in a
 * channel, a proactive message to a veileder) is first written here, in the same durable write
 * as the change it reports, and then delivered by the outbox worker with retries.
 */

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxMessage {
  id: string;
  createdAt: string;
  /** post: a new activity in the conversation; update: replace an activity sent earlier. */
  kind: 'post' | 'update';
  /** Key of a stored conversation reference (Store.getConversation). */
  conversationKey: string;
  /**
   * The activity to send (text and/or attachments); never holds identity numbers. Emptied once
   * the message is delivered or has failed for good: what later updates and threads need is in
   * the ids below, and the text must not outlive the ticket's retention in a delivered copy.
   */
  activity: Record<string, unknown>;
  /** A ticket card that later changes update in place: the channel's card or one of the veileder's. */
  card?: 'channel' | 'veileder';
  /** For kind "update": the outbox message whose delivered activity is replaced. */
  replaces?: string;
  /** For a reply in a thread: the outbox message whose delivered activity starts the thread. */
  threadOf?: string;
  /** The ticket this message belongs to, if any (a permanent failure is shown on the ticket). */
  ticketId?: string;
  status: OutboxStatus;
  attempts: number;
  /** Earliest time of the next attempt (ISO). */
  nextAttemptAt: string;
  /** While status is "sending": when another worker may take it over (crash recovery). */
  leaseUntil?: string;
  lastError?: string;
  /** Id of the activity the Bot Connector created (for later updates and threads). */
  deliveredActivityId?: string;
  deliveredAt?: string;
}
