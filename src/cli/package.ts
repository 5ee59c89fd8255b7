/**
 * npm run package [-- --out FILE]
 * Builds the Teams app package: fills manifest/manifest.json's `${{VAR}}` placeholders from the
 * environment, validates the result against the official Teams manifest schema offline (the
 * schema file bundled in @microsoft/app-manifest, draft-04 → ajv-draft-04 + ajv-formats), checks
 * the icons, and writes dist/veiviser-teams-app.zip with manifest.json, color.png and outline.png
 * at the root, ready for upload in Teams or the Teams admin centre.
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { PNG } from 'pngjs';
import yazl from 'yazl';
import { z } from 'zod';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_MANIFEST_DIR = join(ROOT, 'manifest');
export const DEFAULT_OUT_FILE = join(ROOT, 'dist', 'veiviser-teams-app.zip');

export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageError';
  }
}

// CommonJS modules whose default export TypeScript (NodeNext) sees as `.default`.
const Ajv04 = ajvDraft04.default;
const addFormats = ajvFormats.default;

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const guid = z.string({ error: 'mangler (en GUID, f.eks. 00000000-0000-0000-0000-000000000000)' }).regex(GUID, 'må være en GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)');
const httpsUrl = z
  .string({ error: 'mangler (en https-adresse)' })
  .refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:', 'må være en https-adresse (Teams laster bare faner og lenker over https)')
  .refine((v) => !URL.canParse(v) || (new URL(v).search === '' && new URL(v).hash === ''), 'skal ikke ha ? eller #')
  .transform((v) => v.replace(/\/+$/, ''));

const PackageEnv = z.object({
  TEAMS_APP_ID: z.preprocess(blankToUndefined, guid),
  MicrosoftAppId: z.preprocess(blankToUndefined, guid),
  PUBLIC_BASE_URL: z.preprocess(blankToUndefined, httpsUrl),
  TEAMS_APP_VERSION: z.preprocess(blankToUndefined, z.string().regex(SEMVER, 'må være en versjon på formen 1.2.3 (semver, uten forhåndsversjon)').optional()),
  TEAMS_SSO_APP_ID: z.preprocess(blankToUndefined, guid.optional()),
  TEAMS_APP_DEVELOPER_NAME: z.preprocess(blankToUndefined, z.string().max(32, 'kan ha høyst 32 tegn').optional()),
  TEAMS_APP_WEBSITE_URL: z.preprocess(blankToUndefined, httpsUrl.optional()),
  TEAMS_APP_PRIVACY_URL: z.preprocess(blankToUndefined, httpsUrl.optional()),
  TEAMS_APP_TERMS_URL: z.preprocess(blankToUndefined, httpsUrl.optional()),
});

/** The values for the manifest template's `${{NAME}}` placeholders. */
export type TemplateValues = Record<string, string>;

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Reads and checks the variables; throws PackageError with one line per problem, each naming its variable. */
export function readPackageValues(env: NodeJS.ProcessEnv, defaultVersion = packageVersion()): TemplateValues {
  const parsed = PackageEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(miljø)'}: ${i.message}`);
    throw new PackageError(`Kan ikke lage app-pakken – ugyldige miljøvariabler:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const version = e.TEAMS_APP_VERSION ?? defaultVersion;
  if (!SEMVER.test(version)) throw new PackageError(`TEAMS_APP_VERSION: mangler, og package.json-versjonen «${version}» er ikke på formen 1.2.3`);
  const website = e.TEAMS_APP_WEBSITE_URL ?? e.PUBLIC_BASE_URL;
  return {
    TEAMS_APP_ID: e.TEAMS_APP_ID.toLowerCase(),
    MicrosoftAppId: e.MicrosoftAppId.toLowerCase(),
    TEAMS_SSO_APP_ID: (e.TEAMS_SSO_APP_ID ?? e.MicrosoftAppId).toLowerCase(),
    PUBLIC_BASE_URL: e.PUBLIC_BASE_URL,
    PUBLIC_DOMAIN: new URL(e.PUBLIC_BASE_URL).host,
    TEAMS_APP_VERSION: version,
    TEAMS_APP_DEVELOPER_NAME: e.TEAMS_APP_DEVELOPER_NAME ?? 'Fylkeskommunen',
    TEAMS_APP_WEBSITE_URL: website,
    TEAMS_APP_PRIVACY_URL: e.TEAMS_APP_PRIVACY_URL ?? website,
    TEAMS_APP_TERMS_URL: e.TEAMS_APP_TERMS_URL ?? website,
  };
}

/** Replaces every `${{NAME}}` (JSON-escaped); an unknown placeholder is an error. */
export function fillTemplate(template: string, values: TemplateValues): string {
  const missing = new Set<string>();
  const out = template.replace(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) {
      missing.add(name);
      return '';
    }
    return JSON.stringify(v).slice(1, -1);
  });
  if (missing.size) throw new PackageError(`manifest.json bruker plassholdere uten verdi: ${[...missing].join(', ')}`);
  return out;
}

/** The bundled official schema for a manifest version (e.g. "1.30"). */
export function teamsSchemaPath(manifestVersion: string): string {
  const require = createRequire(import.meta.url);
  const base = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return join(base, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/** Schema errors ("/path message"); empty = valid against the official schema of its manifestVersion. */
export function validateManifest(manifest: unknown): string[] {
  const version = (manifest as { manifestVersion?: unknown })?.manifestVersion;
  if (typeof version !== 'string') return ['manifestVersion: mangler'];
  let schema: object;
  try {
    schema = JSON.parse(readFileSync(teamsSchemaPath(version), 'utf8').replace(/^\uFEFF/, '')) as object;
  } catch {
    return [`manifestVersion: ingen skjemafil for ${version} i @microsoft/app-manifest`];
  }
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'er ugyldig'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`);
}

/** Icon problems: color.png 192×192, outline.png 32×32 with only white or fully transparent pixels. */
export function checkIcons(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const read = (name: string, buf: Buffer) => {
    try {
      return PNG.sync.read(buf);
    } catch (err) {
      problems.push(`${name}: er ikke en gyldig PNG (${(err as Error).message})`);
      return undefined;
    }
  };
  const c = read('color.png', color);
  if (c && (c.width !== 192 || c.height !== 192)) problems.push(`color.png: skal være 192×192 piksler, er ${c.width}×${c.height}`);
  const o = read('outline.png', outline);
  if (o) {
    if (o.width !== 32 || o.height !== 32) problems.push(`outline.png: skal være 32×32 piksler, er ${o.width}×${o.height}`);
    let transparent = 0;
    let bad = 0;
    for (let i = 0; i < o.data.length; i += 4) {
      if (o.data[i + 3] === 0) transparent++;
      else if (o.data[i] !== 255 || o.data[i + 1] !== 255 || o.data[i + 2] !== 255) bad++;
    }
    if (bad) problems.push(`outline.png: ${bad} piksler er verken hvite eller gjennomsiktige`);
    if (!transparent) problems.push('outline.png: har ingen gjennomsiktig bakgrunn');
  }
  return problems;
}

export interface BuildOptions {
  env: NodeJS.ProcessEnv;
  manifestDir?: string;
  outFile?: string;
}

export interface BuildResult {
  outFile: string;
  manifest: Record<string, unknown>;
}

/** Fills, validates and zips; throws PackageError (nothing is written) when anything is wrong. */
export async function buildAppPackage(o: BuildOptions): Promise<BuildResult> {
  const dir = o.manifestDir ?? DEFAULT_MANIFEST_DIR;
  const outFile = resolve(o.outFile ?? DEFAULT_OUT_FILE);
  const values = readPackageValues(o.env);
  const text = fillTemplate(readFileSync(join(dir, 'manifest.json'), 'utf8'), values);
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const schemaErrors = validateManifest(manifest);
  if (schemaErrors.length) throw new PackageError(`manifest.json følger ikke Teams-skjemaet (v${String(manifest.manifestVersion)}):\n  ${schemaErrors.join('\n  ')}`);
  const icons = manifest.icons as { color: string; outline: string };
  const color = readFileSync(join(dir, icons.color));
  const outline = readFileSync(join(dir, icons.outline));
  const iconProblems = checkIcons(color, outline);
  if (iconProblems.length) throw new PackageError(`Ikonene er ikke gyldige:\n  ${iconProblems.join('\n  ')}`);

  mkdirSync(dirname(outFile), { recursive: true });
  const zip = new yazl.ZipFile();
  const mtime = new Date('2020-01-01T00:00:00Z'); // the same input gives the same bytes
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mtime });
  zip.addBuffer(color, icons.color, { mtime });
  zip.addBuffer(outline, icons.outline, { mtime });
  zip.end();
  await new Promise<void>((ok, fail) => {
    const out = createWriteStream(outFile);
    out.on('close', ok).on('error', fail);
    zip.outputStream.on('error', fail).pipe(out);
  });
  return { outFile, manifest };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string' }, 'manifest-dir': { type: 'string' } } });
  const r = await buildAppPackage({ env: process.env, outFile: values.out, manifestDir: values['manifest-dir'] });
  const bots = r.manifest.bots as { botId: string }[];
  process.stdout.write(
    `Skrev ${r.outFile}\n  app-id ${String(r.manifest.id)}, versjon ${String(r.manifest.version)}, bot ${bots[0].botId}, manifest v${String(r.manifest.manifestVersion)} (validert mot det offisielle skjemaet)\n` +
      '  Last opp i Teams (Apper → Administrer apper → Last opp en app) eller i Teams admin center.\n',
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`${err instanceof PackageError ? err.message : `package feilet: ${err.stack ?? err.message}`}\n`);
    process.exit(err instanceof PackageError ? 2 : 1);
  });
}
