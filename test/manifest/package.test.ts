import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import yauzl from 'yauzl';
import { buildAppPackage, checkIcons, fillTemplate, PackageError, readPackageValues, teamsSchemaPath, validateManifest } from '../../src/cli/package.js';

const TEAMS_APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const BOT_ID = '9b2d3e4f-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const ENV = { TEAMS_APP_ID, MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'https://veiviser.example.no' };

/** name → contents of every entry in a zip file. */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((ok, fail) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return fail(err);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2) return fail(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => ok(entries));
      zip.on('error', fail);
      zip.readEntry();
    });
  });
}

describe('the Teams app package (npm run package)', () => {
  let dir: string;
  let entries: Map<string, Buffer>;
  let manifest: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-pkg-'));
    const r = await buildAppPackage({ env: ENV, outFile: join(dir, 'app.zip') });
    entries = await unzip(r.outFile);
    manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds exactly manifest.json, color.png and outline.png at the root', () => {
    assert.deepEqual([...entries.keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);
  });

  it('validates against the official Teams schema with zero errors, in the newest version available offline', () => {
    assert.deepEqual(validateManifest(manifest), []);
    const newest = readdirSync(dirname(dirname(teamsSchemaPath('1.30'))))
      .filter((d) => /^v\d+\.\d+$/.test(d))
      .map((d) => d.slice(1))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .pop();
    assert.equal(manifest.manifestVersion, newest);
    assert.ok(String(manifest.$schema).endsWith(`/teams/v${newest}/MicrosoftTeams.schema.json`));
  });

  it('fills the ids and URLs from the environment and leaves no placeholder', () => {
    const text = entries.get('manifest.json')!.toString('utf8');
    assert.doesNotMatch(text, /\$\{\{/);
    assert.equal(manifest.id, TEAMS_APP_ID);
    assert.equal(manifest.version, JSON.parse(readFileSync('package.json', 'utf8')).version);
    assert.equal(manifest.bots[0].botId, BOT_ID);
    assert.deepEqual(manifest.bots[0].scopes, ['personal', 'team', 'groupChat']);
    assert.equal(manifest.bots[0].supportsFiles, false);
    const personal = manifest.bots[0].commandLists.find((l: { scopes: string[] }) => l.scopes.includes('personal'));
    assert.deepEqual(personal.commands.map((c: { title: string }) => c.title), ['hjelp', 'spør teamet', 'book', 'mine saker']);
    assert.equal(manifest.staticTabs.find((t: { contentUrl?: string }) => t.contentUrl).contentUrl, 'https://veiviser.example.no/tab');
    assert.match(manifest.configurableTabs[0].configurationUrl, /^https:\/\/veiviser\.example\.no\/tab/);
    assert.deepEqual(manifest.validDomains, ['veiviser.example.no']);
    assert.deepEqual(manifest.webApplicationInfo, { id: BOT_ID, resource: `api://veiviser.example.no/${BOT_ID}` });
    assert.equal(manifest.name.short, 'Veiviser');
  });

  it('takes TEAMS_APP_VERSION and a separate SSO app id when given', () => {
    const sso = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const v = readPackageValues({ ...ENV, TEAMS_APP_VERSION: '2.3.4', TEAMS_SSO_APP_ID: sso, PUBLIC_BASE_URL: 'https://veiviser.example.no/' });
    assert.equal(v.TEAMS_APP_VERSION, '2.3.4');
    assert.equal(v.TEAMS_SSO_APP_ID, sso);
    assert.equal(v.PUBLIC_BASE_URL, 'https://veiviser.example.no');
  });

  it('refuses broken values with an error naming the variable', () => {
    const err = (env: NodeJS.ProcessEnv) => {
      try {
        readPackageValues(env);
      } catch (e) {
        assert.ok(e instanceof PackageError);
        return e.message;
      }
      assert.fail('expected a PackageError');
    };
    assert.match(err({ ...ENV, TEAMS_APP_ID: 'not-a-guid' }), /TEAMS_APP_ID: må være en GUID/);
    assert.match(err({ ...ENV, PUBLIC_BASE_URL: 'http://veiviser.example.no' }), /PUBLIC_BASE_URL: må være en https-adresse/);
    assert.match(err({ ...ENV, MicrosoftAppId: '' }), /MicrosoftAppId: mangler/);
    assert.match(err({ ...ENV, TEAMS_APP_VERSION: '1.0' }), /TEAMS_APP_VERSION:/);
  });

  it('the command line exits 2 with the variables named and writes nothing', async () => {
    const out = join(dir, 'broken.zip');
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/package.ts', '--out', out], {
      env: { PATH: process.env.PATH, TEAMS_APP_ID: 'not-a-guid', MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'http://veiviser.example.no' },
    }).then(() => assert.fail('expected exit 2'), (e: { code: number; stderr: string }) => e);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /TEAMS_APP_ID: må være en GUID/);
    assert.match(r.stderr, /PUBLIC_BASE_URL: må være en https-adresse/);
    assert.throws(() => readFileSync(out));
  });

  it('the schema check catches a broken manifest', () => {
    const broken = { ...manifest, id: 'not-a-guid', accentColor: undefined, name: { short: 'x'.repeat(40) } };
    const errors = validateManifest(JSON.parse(JSON.stringify(broken)));
    assert.ok(errors.some((e) => e.startsWith('/id ')), errors.join('\n'));
    assert.ok(errors.some((e) => e.includes('accentColor')), errors.join('\n'));
    assert.ok(errors.some((e) => e.startsWith('/name/short ')), errors.join('\n'));
  });

  it('an unknown placeholder in the template is an error', () => {
    assert.throws(() => fillTemplate('{"a":"${{NOPE}}"}', {}), /NOPE/);
  });

  it('the icons: color 192×192, outline 32×32 with only white or transparent pixels', () => {
    const color = PNG.sync.read(entries.get('color.png')!);
    assert.deepEqual([color.width, color.height], [192, 192]);
    const outline = PNG.sync.read(entries.get('outline.png')!);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    let transparent = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      if (outline.data[i + 3] === 0) transparent++;
      else assert.deepEqual([...outline.data.subarray(i, i + 3)], [255, 255, 255], `pixel ${i / 4} is not white`);
    }
    assert.ok(transparent > 32 * 32 / 4, 'the outline has a transparent background');
    assert.deepEqual(checkIcons(entries.get('color.png')!, entries.get('outline.png')!), []);
  });

  it('the icon check refuses a coloured outline and wrong sizes', () => {
    const bad = new PNG({ width: 32, height: 32 });
    bad.data.fill(0);
    bad.data.set([255, 0, 0, 255], 0);
    const problems = checkIcons(PNG.sync.write(bad), PNG.sync.write(bad));
    assert.ok(problems.some((p) => p.startsWith('color.png: skal være 192×192')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('outline.png: 1 piksler')), problems.join('\n'));
  });
});
