/**
 * A real booking world for the command tests: a LowdbStore in a temporary folder, the embedded
 * calendar over it, the BookingService and the demo counsellors, at a fixed time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BookingService } from '../../../src/booking/booking-service.js';
import type { Actor, BookingCommandDeps } from '../../../src/booking/commands/index.js';
import { DEMO_COUNSELLORS_FILE, loadCounsellors } from '../../../src/booking/counsellors.js';
import type { Booking, BookingDraft } from '../../../src/booking/model.js';
import { EmbeddedCalendar } from '../../../src/calendar/embedded-calendar.js';
import { LowdbStore } from '../../../src/store/lowdb-store.js';

export const ingrid = { mailbox: 'ingrid.solheim@fjordvik.example.no', name: 'Ingrid Solheim' };
export const kari: Actor = { id: 'aad-kari', name: 'Kari Veileder', email: 'kari.veileder@nav.example.no' };
export const per: Actor = { id: 'aad-per', name: 'Per Veileder' };
export const counsellor: Actor = { id: 'aad-ingrid', name: 'Ingrid Solheim', mailbox: ingrid.mailbox };
/** Another counsellor, linked to another mailbox. */
export const yonas: Actor = { id: 'aad-yonas', name: 'Yonas Tesfay', mailbox: 'yonas.tesfay@fjordvik.example.no' };
export const draft: BookingDraft = { brukerAlias: 'AB', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: 45, timeOfDay: 'any', veilederJoins: true };
/** Tuesday 24 November 2026, 09:00 in Oslo. */
export const slotStart = new Date('2026-11-24T08:00:00Z');
export const slot = (start = slotStart) => ({ mailbox: ingrid.mailbox, start, end: new Date(start.getTime() + 45 * 60_000) });

export interface World {
  d: BookingCommandDeps;
  store: LowdbStore;
  calendar: EmbeddedCalendar;
  /** Moves the clock. */
  at(iso: string): void;
  /** A request from `who` for `start`, through the service. */
  held(who?: Actor, start?: Date): Promise<Booking>;
  close(): Promise<void>;
}

export async function world(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'veiviser-commands-'));
  const store = await LowdbStore.open(dir);
  const calendar = new EmbeddedCalendar(store);
  let now = new Date('2026-11-20T09:00:00Z');
  const clock = () => now;
  const service = new BookingService({ store, calendar, clock, holdHours: 24, bufferMinutes: 15 });
  const counsellors = await loadCounsellors(DEMO_COUNSELLORS_FILE);
  const d: BookingCommandDeps = { service, store, counsellors, calendar, clock, rules: { workingDays: 1, periodWorkingDays: 10, bufferMinutes: 15 } };
  return {
    d, store, calendar,
    at(iso) { now = new Date(iso); },
    held: (who = kari, start = slotStart) => service.request({
      veileder: { id: who.id, name: who.name, email: who.email, conversationKey: `personal:${who.id}` }, counsellor: ingrid,
      start, end: new Date(start.getTime() + 45 * 60_000), format: 'teams', topic: 'karriereveiledning', veilederJoins: true, brukerAlias: 'AB',
    }),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Asserts a DomainError with this code (and returns it). */
export function code(c: string) {
  return (err: unknown): boolean => (err as { code?: string }).code === c;
}
