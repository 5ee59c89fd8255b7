/**
 * The port through which booking learns a person's e-mail address (the veileder is invited to the
 * talk by e-mail; a counsellor's claim is checked against the directory mailbox). Teams implements
 * it with the team roster (bot/teams-directory.ts); tests and other edges bring their own.
 */

export interface Directory {
  /**
   * The person's e-mail address (trimmed, lower case), or undefined when the directory knows none
   * that looks like an address. Rejects when the directory cannot be read now.
   */
  emailOf(actor: { id: string }): Promise<string | undefined>;
}

const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** An address as the directory gave it, if it is one: trimmed and in lower case. */
export function normalEmail(raw: string | undefined): string | undefined {
  const mail = (raw ?? '').trim().toLowerCase();
  return ADDRESS.test(mail) ? mail : undefined;
}
