import assert from 'node:assert/strict';
import { workingMinutesBetween } from '../../src/tickets/working-time.js';

const at = (iso: string) => new Date(iso);

describe('working time in Europe/Oslo', () => {
  it('counts only office hours on weekdays', () => {
    // Friday 14:00 Oslo (13:00Z in November) → Monday 10:00 Oslo: 2 h Friday + 2 h Monday.
    assert.equal(workingMinutesBetween(at('2026-11-20T13:00:00Z'), at('2026-11-23T09:00:00Z')), 240);
  });

  it('skips Norwegian public holidays, including the moving Easter days', () => {
    // Wednesday 1 April 2026 15:00 → Tuesday 7 April 09:00 (Skjærtorsdag, Langfredag, Andre påskedag off): 1 h + 1 h.
    assert.equal(workingMinutesBetween(at('2026-04-01T13:00:00Z'), at('2026-04-07T07:00:00Z')), 120);
    // 17 May 2027 is a Monday.
    assert.equal(workingMinutesBetween(at('2027-05-17T06:00:00Z'), at('2027-05-17T14:00:00Z')), 0);
  });

  it('is right across the daylight-saving changes', () => {
    // Last Sunday of March 2026 (29th): Friday 27th 15:00 CET → Monday 30th 09:00 CEST = 1 h + 1 h.
    assert.equal(workingMinutesBetween(at('2026-03-27T14:00:00Z'), at('2026-03-30T07:00:00Z')), 120);
    // Last Sunday of October 2026 (25th): Friday 23rd 15:00 CEST → Monday 26th 09:00 CET.
    assert.equal(workingMinutesBetween(at('2026-10-23T13:00:00Z'), at('2026-10-26T08:00:00Z')), 120);
  });

  it('gives 0 when the end is before the start', () => {
    assert.equal(workingMinutesBetween(at('2026-11-23T09:00:00Z'), at('2026-11-20T09:00:00Z')), 0);
  });
});
