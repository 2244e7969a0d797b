import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  BUNDLED_GEOGRAPHY_DIR,
  INDEX_FILE,
  listStore,
  relocateWindSourceFiles,
  resolveForecastSource,
  windSourceFiles,
} from '@balloon-sim/node';
import type { ForecastWindSource, MemberWindSource, Scenario, WindSource } from '@balloon-sim/sim-core';
import { InputError } from '@balloon-sim/sim-core';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './redis.js';

/** A file a scenario reads, as the coordinator found it. */
export interface InputFile {
  /** Where the scenario names it: `wind.paths[0]`, `zones.files[1]`. */
  ref: string;
  /** Its absolute path on the coordinator's machine. */
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * What a job's result depends on besides its scenario document, so that a worker can check that it
 * computes with the same: the files' contents (by SHA-256), the bundled geography and the software.
 */
export interface JobInputs {
  files: InputFile[];
  /** SHA-256 of the bundled zones and country outlines (every run reads the outlines). */
  geography: string;
  /** The packages' versions: another version may compute other bits. */
  software: string;
  /** The coordinator put the files' bytes in Redis (`--ship-inputs`): a worker may fetch them. */
  shipped: boolean;
}

/**
 * The software a result depends on: this package's version (the workspace's packages are released
 * together) and Node's major version (its V8 computes the floating point; its serializer carries
 * the results).
 */
export function softwareVersion(): string {
  // src/ and dist/ are both one folder below the package, so the same relative path serves both.
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `balloon-sim ${manifest.version} on Node ${process.versions.node.split('.')[0]}`;
}

const hashes = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** SHA-256 of a file, read as a stream; remembered while its size and modification time stay. */
export async function fileSha256(
  path: string,
  what = 'input file',
): Promise<{ sha256: string; bytes: number }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError(
      `${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      what,
      path,
    );
  }
  const known = hashes.get(path);
  if (known && known.size === info.size && known.mtimeMs === info.mtimeMs)
    return { sha256: known.sha256, bytes: info.size };
  const hash = createHash('sha256');
  await new Promise<void>((done, fail) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', done)
      .on('error', fail);
  });
  const sha256 = hash.digest('hex');
  hashes.set(path, { size: info.size, mtimeMs: info.mtimeMs, sha256 });
  return { sha256, bytes: info.size };
}

let geographyHash: Promise<string> | null = null;

/** SHA-256 of the bundled zones and country outlines this installation reads. */
export function geographySha256(): Promise<string> {
  geographyHash ??= (async () => {
    const hash = createHash('sha256');
    for (const name of ['zones.json', 'countries.json'])
      hash
        .update(name)
        .update((await fileSha256(resolve(BUNDLED_GEOGRAPHY_DIR, name), 'geography file')).sha256);
    return hash.digest('hex');
  })();
  return geographyHash;
}

/**
 * The files a scenario reads (wind files, those of an ensemble's members among them; zone files),
 * absolute, each with where the scenario names it.
 */
export function scenarioFiles(scenario: Scenario, baseDir: string): { ref: string; path: string }[] {
  const files = windSourceFiles(scenario.wind).map(({ ref, path }) => ({
    ref,
    path: resolve(baseDir, path),
  }));
  for (const [k, p] of (scenario.zones?.files ?? []).entries())
    files.push({ ref: `zones.files[${k}]`, path: resolve(baseDir, p) });
  if (scenario.launch.area?.file)
    files.push({ ref: 'launch.area.file', path: resolve(baseDir, scenario.launch.area.file) });
  return files;
}

/** A forecast source of a wind, wherever it sits in it (`wind`, `wind.members[1]`). */
function forecastSources(source: WindSource, ref = 'wind'): { ref: string; source: ForecastWindSource }[] {
  if (source.type === 'ensemble')
    return source.members.flatMap((m, k) => forecastSources(m, `${ref}.members[${k}]`));
  return source.type === 'forecast' ? [{ ref, source }] : [];
}

/** The ref of a forecast's store file: where the source sits, then the file's path in its store. */
const storeRef = (ref: string, inStore: string) => `${ref}.store:${inStore}`;

/**
 * The files a pinned forecast source reads from its store (the cycle's index.json and GRIB2 files,
 * and those of the older cycles of a lagged forecast, as the loader picks them), absolute, each
 * with a ref naming its path in the store (`wind.store:gfs/2020080412/index.json`), so that a
 * worker can lay them out as a store of its own.
 */
export async function forecastFiles(
  scenario: Scenario,
  baseDir: string,
): Promise<{ ref: string; path: string }[]> {
  const files: { ref: string; path: string }[] = [];
  for (const { ref, source } of forecastSources(scenario.wind)) {
    const first = await resolveForecastSource(source, baseDir);
    const root = first.source.store!;
    const cycles = [first];
    if (source.lagged !== undefined)
      for (const c of (await listStore(root, source.model))
        .filter((c) => c.index?.complete && c.cycle < first.source.cycle)
        .slice(0, source.lagged - 1))
        cycles.push(await resolveForecastSource({ ...first.source, cycle: c.cycle }, baseDir));
    for (const c of cycles)
      for (const path of [join(c.dir, INDEX_FILE), ...c.paths])
        files.push({ ref: storeRef(ref, relative(root, path)), path });
  }
  return files;
}

/** Where a coordinator ships its files' bytes (`--ship-inputs`), and for how long they stay. */
export interface Shipping {
  redis: Redis;
  keys: QueueKeys;
  ttlSec: number;
}

/**
 * The inputs of a scenario as a job carries them: each file's path and SHA-256, the geography's and
 * the software's. With `ship`, each file's bytes go to Redis under their hash (once: a blob already
 * there only has its expiry renewed), for workers on machines without the coordinator's files.
 */
export async function describeInputs(
  scenario: Scenario,
  baseDir: string,
  ship?: Shipping,
): Promise<JobInputs> {
  const files: InputFile[] = [];
  const all = [...scenarioFiles(scenario, baseDir), ...(await forecastFiles(scenario, baseDir))];
  for (const { ref, path } of all) {
    const { sha256, bytes } = await fileSha256(path, ref);
    files.push({ ref, path, sha256, bytes });
    if (ship) {
      const key = ship.keys.blob(sha256);
      // EXPIRE answers 0 when the key does not exist: then the bytes go up.
      if ((await ship.redis.expire(key, ship.ttlSec)) === 0)
        await ship.redis.set(key, await readFileOf(path, ref), 'EX', ship.ttlSec);
    }
  }
  return { files, geography: await geographySha256(), software: softwareVersion(), shipped: Boolean(ship) };
}

async function readFileOf(path: string, ref: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new InputError(
      `${ref} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      ref,
      path,
    );
  }
}

/**
 * A worker's inputs differ from its coordinator's (a file, the geography, the software): it refuses
 * the job rather than compute a result that would not be the coordinator's. The job fails for good
 * and the coordinator stops, naming the worker, the file and both hashes.
 */
export class InputsRefused extends Error {
  override name = 'InputsRefused';
}

/** How a worker finds the coordinator's files on its own machine. */
export interface WorkerFiles {
  /** Path prefixes to replace, first match wins: a shared folder mounted elsewhere here. */
  pathMap: [from: string, to: string][];
  /** Where files fetched from Redis are kept, by hash. */
  cacheDir: string;
  redis: Redis;
  keys: QueueKeys;
  /** The worker's name, for messages. */
  name: string;
}

/** `FROM=TO` of --path-map, as a pair of absolute paths. */
export function parsePathMap(text: string): [string, string] {
  const k = text.indexOf('=');
  if (k <= 0 || k === text.length - 1)
    throw new InputError(
      `--path-map must be FROM=TO (two folders), got ${JSON.stringify(text)}`,
      'path-map',
      text,
    );
  return [resolve(text.slice(0, k)), resolve(text.slice(k + 1))];
}

function mapped(path: string, pathMap: WorkerFiles['pathMap']): string {
  for (const [from, to] of pathMap) {
    if (path === from) return to;
    if (path.startsWith(`${from}/`)) return join(to, path.slice(from.length + 1));
  }
  return path;
}

/** A file of the coordinator's on this machine: at its (mapped) path if the bytes match, else fetched. */
async function localFile(file: InputFile, shipped: boolean, files: WorkerFiles): Promise<string> {
  const here = mapped(file.path, files.pathMap);
  let found: string;
  try {
    const { sha256 } = await fileSha256(here, file.ref);
    if (sha256 === file.sha256) return here;
    found = `its SHA-256 here is ${sha256}`;
  } catch {
    found = 'there is no such file here';
  }
  const cached = join(files.cacheDir, file.sha256, basename(file.path));
  try {
    if ((await fileSha256(cached, file.ref)).sha256 === file.sha256) return cached;
  } catch {}
  const bytes = shipped ? await files.redis.getBuffer(files.keys.blob(file.sha256)) : null;
  if (bytes && createHash('sha256').update(bytes).digest('hex') === file.sha256) {
    await mkdir(join(files.cacheDir, file.sha256), { recursive: true });
    // Under a temporary name first: another job of this worker may be reading the same file.
    const temporary = `${cached}.part-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, cached);
    } finally {
      await rm(temporary, { force: true });
    }
    return cached;
  }
  throw new InputsRefused(
    `worker ${files.name} refuses the job: ${file.ref} ${here} differs from the coordinator's ` +
      `(${found}; the coordinator's ${file.path} has SHA-256 ${file.sha256}, ${file.bytes} bytes)` +
      (shipped
        ? ' and its bytes are no longer in Redis'
        : '; give the worker the same file (a shared folder, --path-map FROM=TO) or start the coordinator with --ship-inputs'),
  );
}

/**
 * The job's scenario as this worker reads it: every file at its path here, checked against the
 * coordinator's hash, fetched from Redis when shipped and missing or different here. Refuses
 * (InputsRefused) when a file, the bundled geography or the software differs.
 */
export async function localScenario(
  scenario: Scenario,
  inputs: JobInputs,
  files: WorkerFiles,
): Promise<Scenario> {
  if (inputs.software !== softwareVersion())
    throw new InputsRefused(
      `worker ${files.name} refuses the job: it runs ${softwareVersion()}, the coordinator ${inputs.software}`,
    );
  if (inputs.geography !== (await geographySha256()))
    throw new InputsRefused(
      `worker ${files.name} refuses the job: its bundled geography (${BUNDLED_GEOGRAPHY_DIR}) differs from the coordinator's`,
    );
  const local = new Map<string, string>();
  for (const file of inputs.files) local.set(file.ref, await localFile(file, inputs.shipped, files));
  const at = (ref: string, original: string) => local.get(ref) ?? original;
  const wind = await relocateForecastStores(
    relocateWindSourceFiles(scenario.wind, at),
    inputs.files.map((f) => ({ ...f, here: local.get(f.ref)! })),
    files,
  );
  let out: Scenario = { ...scenario, wind };
  if (out.zones?.files)
    out = {
      ...out,
      zones: { ...out.zones, files: out.zones.files.map((p, k) => at(`zones.files[${k}]`, p)) },
    };
  if (out.launch.area?.file)
    out = {
      ...out,
      launch: {
        ...out.launch,
        area: { ...out.launch.area, file: at('launch.area.file', out.launch.area.file) },
      },
    };
  return out;
}

/**
 * The wind with each forecast's store where this worker has the coordinator's cycle files: the
 * coordinator's store (mapped) when every file was found there with its hash, else a store laid
 * out in the cache (by the files' hashes) from the files as found or fetched.
 */
async function relocateForecastStores(
  wind: WindSource,
  inputFiles: (InputFile & { here: string })[],
  files: WorkerFiles,
  ref = 'wind',
): Promise<WindSource> {
  if (wind.type === 'ensemble') {
    const members: MemberWindSource[] = [];
    for (const [k, m] of wind.members.entries())
      members.push(
        (await relocateForecastStores(m, inputFiles, files, `${ref}.members[${k}]`)) as MemberWindSource,
      );
    return { ...wind, members };
  }
  if (wind.type !== 'forecast') return wind;
  const prefix = storeRef(ref, '');
  const mine = inputFiles.filter((f) => f.ref.startsWith(prefix));
  // A job from a coordinator that listed no files of this store (none pinned): read as it names it.
  if (mine.length === 0 || wind.store === undefined) return wind;
  const root = mapped(wind.store, files.pathMap);
  // A lagged forecast takes the older cycles it finds in its store: in the worker's own store those
  // could be others than the coordinator's, so it reads a store holding only the checked cycles.
  if (wind.lagged === undefined && mine.every((f) => f.here === join(root, f.ref.slice(prefix.length))))
    return { ...wind, store: root };
  const hash = createHash('sha256');
  for (const f of mine) hash.update(f.ref.slice(prefix.length)).update(f.sha256);
  const store = join(files.cacheDir, 'stores', hash.digest('hex'));
  for (const f of mine) {
    const target = join(store, f.ref.slice(prefix.length));
    try {
      if ((await fileSha256(target, f.ref)).sha256 === f.sha256) continue;
    } catch {}
    await mkdir(dirname(target), { recursive: true });
    // Under a temporary name first: another job of this worker may be reading the same store.
    const temporary = `${target}.part-${randomBytes(6).toString('hex')}`;
    try {
      await copyFile(f.here, temporary);
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
  }
  return { ...wind, store };
}

/**
 * A worker's wind (localScenario's) with each forecast's store back at the job's: what the result's
 * provenance records, so that it is the coordinator's whichever folder this worker read the cycle
 * from (the cycle's files are checked against the coordinator's hashes all the same).
 */
export function withJobStores(local: WindSource, job: WindSource): WindSource {
  if (local.type === 'ensemble' && job.type === 'ensemble')
    return {
      ...local,
      members: local.members.map((m, k) => withJobStores(m, job.members[k]) as MemberWindSource),
    };
  if (local.type === 'forecast' && job.type === 'forecast') return { ...local, store: job.store };
  return local;
}
