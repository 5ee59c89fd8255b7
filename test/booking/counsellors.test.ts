import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounsellorDirectoryError, DEMO_COUNSELLORS_FILE, loadCounsellors, matchCounsellors, parseCounsellors, toWorkingHours, type Counsellor } from '../../src/booking/counsellors.js';

const demoJson = (): { counsellors: Record<string, unknown>[] } => JSON.parse(readFileSync(DEMO_COUNSELLORS_FILE, 'utf8'));

function rejects(data: unknown, ...patterns: RegExp[]): string {
  let message = '';
  assert.throws(
    () => parseCounsellors(data, 'radgivere.json'),
    (e: Error) => {
      message = e.message;
      return e instanceof CounsellorDirectoryError;
    },
  );
  for (const p of patterns) assert.match(message, p);
  return message;
}

describe('counsellor directory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'veiviser-counsellors-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the demo directory: 4–6 counsellors at the three karrieresentre, varied formats, languages, hours and limits', async () => {
    const list = await loadCounsellors(DEMO_COUNSELLORS_FILE);
    assert.ok(list.length >= 4 && list.length <= 6, `${list.length} counsellors`);
    assert.equal(new Set(list.map((c) => c.mailbox)).size, list.length);
    for (const c of list) assert.match(c.mailbox, /^[a-z.]+@fjordvik\.example\.no$/);
    const offices = new Set(list.flatMap((c) => c.formats.inPerson.map((p) => p.office)));
    assert.deepEqual([...offices].sort(), ['Karrieresenteret Dalheim', 'Karrieresenteret Fjordvik by', 'Karrieresenteret Sandvåg']);
    const addresses = new Set(list.flatMap((c) => c.formats.inPerson.map((p) => p.address)));
    assert.ok(addresses.has('Kaigata 4, 2. etasje, 6900 Fjordvik') && addresses.has('Dalheimsvegen 21, 6950 Dalheim') && addresses.has('Havnegata 7, 6990 Sandvåg'));
    assert.deepEqual([...new Set(list.flatMap((c) => c.regions))].sort(), ['Midtdalen', 'Nordfjord', 'Sørkysten']);
    const languages = new Set(list.flatMap((c) => c.languages));
    for (const l of ['norsk', 'engelsk', 'arabisk', 'tigrinja', 'ukrainsk']) assert.ok(languages.has(l), l);
    assert.ok(list.some((c) => !c.formats.teams) && list.some((c) => !c.formats.phone) && list.some((c) => c.formats.inPerson.length === 0));
    assert.ok(new Set(list.map((c) => `${c.workingHours.days.join()}|${c.workingHours.start}-${c.workingHours.end}`)).size >= 4, 'working hours differ');
    assert.ok(list.some((c) => c.workingHours.days.join() === '1,2,3,4' && c.workingHours.start === '09:00' && c.workingHours.end === '15:00'), 'one works Mon–Thu 09–15');
    assert.ok(new Set(list.map((c) => c.maxTalksPerWeek)).size >= 3);
    assert.ok(list.every((c) => c.workingHours.timeZone === 'Europe/Oslo'));
  });

  it('names the entry and the field of a broken entry', () => {
    const data = demoJson();
    (data.counsellors[2].formats as { inPerson: { address: string }[] }).inPerson[0].address = '';
    delete data.counsellors[3].maxTalksPerWeek;
    data.counsellors[4].mailbox = 'per.arne.vik';
    (data.counsellors[0].workingHours as { end: string }).end = '07:00';
    const msg = rejects(
      data,
      /radgivere\.json/,
      /rådgiver nr\. 3 \(«Leila Haddad»\), feltet «formats\.inPerson\[0\]\.address»: kan ikke være tom/,
      /rådgiver nr\. 4 \(«Olena Kovalenko»\), feltet «maxTalksPerWeek»: mangler/,
      /rådgiver nr\. 5 \(«Per Arne Vik»\), feltet «mailbox»: skal være en e-postadresse/,
      /rådgiver nr\. 1 \(«Ingrid Solheim»\), feltet «workingHours\.end»: må være etter «start»/,
    );
    assert.equal(msg.split('\n').length, 5, msg);
  });

  it('rejects an unknown topic, naming it and the valid ones', () => {
    const data = demoJson();
    (data.counsellors[1].topics as string[]).push('dagpenger');
    rejects(data, /rådgiver nr\. 2 \(«Yonas Tesfay»\), feltet «topics\[4\]»: ukjent tema «dagpenger»/, /fagopplaering, inntak, realkompetansevurdering, eksamen, dokumentasjon, annet, karriereveiledning/);
  });

  it('rejects misspelt fields, wrong types, no format offered, bad weekdays and times, duplicate mailboxes', () => {
    const base = demoJson();
    const one = (patch: (c: Record<string, unknown>) => void) => {
      const d = structuredClone(base);
      patch(d.counsellors[0]);
      return d;
    };
    rejects(one((c) => (c.maxTalksPerweek = 3)), /rådgiver nr\. 1 \(«Ingrid Solheim»\): ukjent felt: maxTalksPerweek/);
    rejects(one((c) => (c.maxTalksPerWeek = '8')), /feltet «maxTalksPerWeek»: skal være et tall/);
    rejects(one((c) => (c.maxTalksPerWeek = 0)), /feltet «maxTalksPerWeek»: må være minst 1/);
    rejects(one((c) => (c.formats = { teams: false, phone: false, inPerson: [] })), /feltet «formats»: må tilby minst én form/);
    rejects(one((c) => (c.workingHours = { days: [1, 8], start: '9:00', end: '15:00' })), /«workingHours\.days\[1\]»: ukedager er 1/, /«workingHours\.start»: skal være et klokkeslett/);
    rejects(one((c) => (c.workingHours = { days: [1], start: '09:00', end: '15:00', timeZone: 'Europe/Fjordvik' })), /«workingHours\.timeZone»: er ikke en gyldig tidssone/);
    rejects(one((c) => (c.regions = [])), /«regions»: må ha minst én region/);
    rejects(one((c) => delete c.name), /rådgiver nr\. 1, feltet «name»: mangler/);
    const dup = structuredClone(base);
    dup.counsellors[3].mailbox = 'Ingrid.Solheim@fjordvik.example.no';
    rejects(dup, /rådgiver nr\. 4 \(«Olena Kovalenko»\), feltet «mailbox»: ingrid\.solheim@fjordvik\.example\.no er allerede brukt av rådgiver nr\. 1/);
    rejects({ counsellors: [] }, /feltet «counsellors»: må ha minst én rådgiver/);
    rejects([], /skal være et objekt/);
  });

  it('reports a file that is missing or not JSON, with its name', async () => {
    const bad = join(dir, 'radgivere.json');
    writeFileSync(bad, '{"counsellors": [');
    await assert.rejects(loadCounsellors(bad), (e: Error) => e instanceof CounsellorDirectoryError && e.message.includes(bad) && /ikke gyldig JSON/.test(e.message));
    await assert.rejects(loadCounsellors(join(dir, 'mangler.json')), (e: Error) => e instanceof CounsellorDirectoryError && /Kan ikke lese rådgiverlista .*mangler\.json/.test(e.message));
  });

  it('normalises mailboxes and languages, and states working hours as the calendar port does', async () => {
    const data = demoJson();
    data.counsellors[0].mailbox = 'Ingrid.Solheim@Fjordvik.example.no';
    data.counsellors[0].languages = ['Norsk', 'Engelsk'];
    (data.counsellors[0].workingHours as { days: number[] }).days = [5, 1, 3];
    const [c] = parseCounsellors(data);
    assert.equal(c.mailbox, 'ingrid.solheim@fjordvik.example.no');
    assert.deepEqual(c.languages, ['norsk', 'engelsk']);
    assert.deepEqual(toWorkingHours(c), { daysOfWeek: [1, 3, 5], startTime: '09:00', endTime: '15:00', timeZone: 'Europe/Oslo' });
  });

  it('finds the counsellors for a talk: region or NAV office, format, topic; those who speak the language first', async () => {
    const list = await loadCounsellors(DEMO_COUNSELLORS_FILE);
    const names = (cs: Counsellor[]) => cs.map((c) => c.name);
    assert.deepEqual(names(matchCounsellors(list, { region: 'midtdalen', format: 'inPerson' })), ['Yonas Tesfay', 'Leila Haddad', 'Per Arne Vik']);
    assert.deepEqual(names(matchCounsellors(list, { region: 'Sørkysten', format: 'teams' })), ['Olena Kovalenko', 'Siri Nordmo']);
    assert.deepEqual(names(matchCounsellors(list, { office: 'NAV Strandebø', format: 'phone' })), ['Ingrid Solheim']);
    assert.deepEqual(names(matchCounsellors(list, { region: 'Nordfjord', topic: 'dokumentasjon' })), ['Yonas Tesfay']);
    assert.deepEqual(names(matchCounsellors(list, { region: 'Nordfjord', format: 'teams', language: 'Tigrinja' })), ['Yonas Tesfay', 'Ingrid Solheim', 'Siri Nordmo']);
    assert.equal(matchCounsellors(list, {}).length, list.length);
  });
});
