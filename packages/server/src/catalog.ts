import { existsSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  BUNDLED_GEOGRAPHY_DIR,
  loadScenarioTargets,
  loadScenarioWind,
  loadZoneFile,
  pinWindSource,
} from '@balloon-sim/node';
import {
  type AnalysisTargets,
  type Scenario,
  ScenarioError,
  type WindField,
  type WindSource,
  zonesToGeoJson,
} from '@balloon-sim/sim-core';
import type { DataDirs } from './options.js';

/** A scenario file shipped in fixtures/scenarios. */
export interface BundledScenario {
  id: string;
  name: string;
  description: string;
  /** The document as written (paths relative to fixtures/scenarios). */
  doc: Scenario;
  /** False when a file it reads is missing (the real-data scenarios without ../shared/data). */
  available: boolean;
}

/** A wind a client may run on: the files of a bundled scenario, or a real-data GFS set. */
export interface BundledWind {
  id: string;
  /** Absolute paths of its files. */
  files: string[];
  levelType?: 'isobaric' | 'height-above-sea' | 'height-above-ground';
  /** Bundled scenarios that use it. */
  scenarios: string[];
}

type FileWindSource = Extract<WindSource, { type: 'file' }>;

/** Prefix of a wind path naming a bundled wind by id: `"paths": ["wind:illustrative-border-night"]`. */
export const WIND_ID_PREFIX = 'wind:';

/** A small map that forgets its oldest entry beyond `size` (for decoded winds and zone sets). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
    return value;
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/** Caches a promise, forgetting it if it fails (a missing file may appear later). */
function cached<T>(lru: Lru<Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const promise = lru.get(key, make);
  promise.catch(() => lru.delete(key));
  return promise;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | null = null;
  return () => {
    promise ??= make();
    promise.catch(() => {
      promise = null;
    });
    return promise;
  };
}

/** True when `path` lies strictly inside the folder `root` (both absolute). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel);
}

/**
 * The real path of `path` (absolute, without `..`): symbolic links resolved in the part that exists,
 * the rest (a file not there yet) appended as written — so a missing file inside a linked data
 * folder still lies inside that folder's real path, and is reported missing, not refused.
 */
async function realpathOfExisting(path: string): Promise<string> {
  const rest: string[] = [];
  for (let head = path; ; ) {
    try {
      return join(await realpath(head), ...rest);
    } catch {}
    const parent = dirname(head);
    if (parent === head) return path;
    rest.unshift(basename(head));
    head = parent;
  }
}

const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'));

/**
 * Everything the server reads from disk: the bundled scenarios, winds and geography, and the wind
 * fields and zone sets runs need, decoded once and kept (a few, least recently used dropped first)
 * so that a run's preparation on the main thread stays short.
 */
export class Catalog {
  readonly scenariosDir: string;
  /** The zones and outlines runs are analysed against (sim-core's copy of fixtures/geo). */
  private readonly geoDir = BUNDLED_GEOGRAPHY_DIR;
  private roots: Promise<string[]> | null = null;
  private readonly windFields = new Lru<Promise<WindField>>(6);
  private readonly targetSets = new Lru<Promise<AnalysisTargets>>(8);

  constructor(readonly dirs: DataDirs & { forecastStore?: string }) {
    this.scenariosDir = resolve(dirs.fixturesDir, 'scenarios');
  }

  readonly scenarios = once(async (): Promise<BundledScenario[]> => {
    const names = (await readdir(this.scenariosDir)).filter((n) => n.endsWith('.json')).sort();
    return Promise.all(
      names.map(async (name) => {
        const doc = (await readJson(resolve(this.scenariosDir, name))) as Scenario;
        const paths = doc.wind.type === 'file' ? doc.wind.paths : [];
        return {
          id: name.slice(0, -'.json'.length),
          name: doc.name ?? name,
          description: doc.description ?? '',
          doc,
          available: paths.every((p) => this.readable(resolve(this.scenariosDir, p))),
        };
      }),
    );
  });

  async scenario(id: string): Promise<BundledScenario | undefined> {
    return (await this.scenarios()).find((s) => s.id === id);
  }

  /**
   * The bundled winds: the real-data GFS sets of ../shared/data (files `<run>_fNNN.grib2`, one set per
   * run), then every other file set a bundled scenario reads.
   */
  readonly winds = once(async (): Promise<BundledWind[]> => {
    const winds: BundledWind[] = [];
    const gfsDir = resolve(this.dirs.sharedDataDir, 'gfs-0p25-poland');
    if (existsSync(gfsDir)) {
      const runs = new Map<string, string[]>();
      for (const name of (await readdir(gfsDir)).sort()) {
        const run = /^(\d{8})_f\d{3}\.grib2$/.exec(name)?.[1];
        if (run) runs.set(run, [...(runs.get(run) ?? []), resolve(gfsDir, name)]);
      }
      for (const [run, files] of runs)
        winds.push({ id: `gfs-0p25-${run}`, files, levelType: 'isobaric', scenarios: [] });
    }
    for (const s of await this.scenarios()) {
      if (s.doc.wind.type !== 'file' || !s.available) continue;
      const files = s.doc.wind.paths.map((p) => resolve(this.scenariosDir, p));
      const key = files.join('\n');
      let wind = winds.find((w) => w.files.join('\n') === key);
      if (!wind) {
        wind = { id: basename(files[0]).replace(/\.[^.]*$/, ''), files, scenarios: [] };
        if (s.doc.wind.levelType) wind.levelType = s.doc.wind.levelType;
        winds.push(wind);
      }
      wind.scenarios.push(s.id);
    }
    return winds;
  });

  async wind(id: string): Promise<BundledWind | undefined> {
    return (await this.winds()).find((w) => w.id === id);
  }

  /** The wind source a client puts in a scenario to run on a bundled wind. */
  windSource(wind: BundledWind): FileWindSource {
    return {
      type: 'file',
      paths: [`${WIND_ID_PREFIX}${wind.id}`],
      ...(wind.levelType ? { levelType: wind.levelType } : {}),
    };
  }

  /** The decoded field of a file wind source whose paths are absolute (see `confineScenario`). */
  windField(source: WindSource): Promise<WindField> {
    if (source.type !== 'file') return loadScenarioWind(source, this.scenariosDir);
    // The whole source is the key: any option (bbox, level type, mixed runs…) changes the field.
    const key = JSON.stringify(source);
    return cached(this.windFields, key, () => loadScenarioWind(source, this.scenariosDir));
  }

  /** Zones and border of a scenario whose zone paths are absolute. */
  targets(scenario: Scenario): Promise<AnalysisTargets> {
    const key = JSON.stringify([scenario.zones?.bundled ?? true, scenario.zones?.files ?? []]);
    return cached(this.targetSets, key, () => loadScenarioTargets(scenario, this.scenariosDir));
  }

  readonly zonesGeoJson = once(async () =>
    zonesToGeoJson(await loadZoneFile(resolve(this.geoDir, 'zones.json'))),
  );

  readonly geography = once(async () => ({
    countries: await readJson(resolve(this.geoDir, 'countries.json')),
    border: await readJson(resolve(this.geoDir, 'lt-by-border.json')),
    launchStrip: await readJson(resolve(this.geoDir, 'launch-strip.json')),
  }));

  /** Decodes the bundled winds now, so the first clients do not wait for them. */
  async decodeWinds(): Promise<void> {
    for (const wind of await this.winds())
      await this.windField({ ...this.windSource(wind), paths: wind.files });
  }

  /** True when a bundled scenario's file exists inside the folders clients may read from. */
  private readable(path: string): boolean {
    return (
      existsSync(path) &&
      [this.dirs.fixturesDir, this.dirs.sharedDataDir].some((root) => isInside(root, path))
    );
  }

  /** The folders client scenarios may read from, with symbolic links resolved. */
  private allowedRoots(): Promise<string[]> {
    this.roots ??= Promise.all(
      [this.dirs.fixturesDir, this.dirs.sharedDataDir].map((dir) => realpath(dir).catch(() => dir)),
    );
    return this.roots;
  }

  /**
   * A path of a client's scenario, made absolute (relative paths resolve against fixtures/scenarios,
   * as if the scenario were a bundled file) and checked to lie inside fixtures/ or the shared data —
   * after resolving symbolic links, so no link leads elsewhere. Anything else is refused, naming the
   * field, without saying whether the file exists.
   */
  async confine(path: string, field: string): Promise<string> {
    const refuse = (): never => {
      throw new ScenarioError([
        {
          path: field,
          message: 'must name a bundled file (inside the fixtures folder or the shared wind data)',
          value: path,
        },
      ]);
    };
    if (path.includes('\0')) refuse();
    const absolute = resolve(this.scenariosDir, path);
    const real = await realpathOfExisting(absolute);
    if (!(await this.allowedRoots()).some((root) => isInside(root, real))) refuse();
    return real;
  }

  /**
   * A wind source with its files made absolute and confined (`wind:<id>` standing for a bundled
   * wind's files), and no forecast store named (a forecast reads the server's, its cycle pinned): the members of an ensemble are confined the same
   * way, each refusal naming its own path (`wind.members[1].paths[0]`).
   */
  private async confineWind(source: WindSource, field: string): Promise<WindSource> {
    if (source.type === 'ensemble') {
      const members = await Promise.all(
        source.members.map((member, k) => this.confineWind(member, `${field}.members[${k}]`)),
      );
      return { ...source, members: members as typeof source.members };
    }
    // A client may not point the server at a folder of its choosing: the server reads its own store.
    if (source.type === 'forecast' && source.store !== undefined)
      throw new ScenarioError([
        {
          path: `${field}.store`,
          message:
            'a scenario sent to the server cannot name a forecast store: the server reads its own ($BALLOON_SIM_FORECAST_STORE or its user cache)',
          value: source.store,
        },
      ]);
    // The server's own store, and "latest" pinned to the cycle it is now: every worker (and a
    // remote one on the queue) reads the same cycle, and the run's provenance names it.
    if (source.type === 'forecast')
      return pinWindSource(
        this.dirs.forecastStore ? { ...source, store: this.dirs.forecastStore } : source,
        this.scenariosDir,
      );
    if (source.type !== 'file') return source;
    const named = source.paths.find((p) => p.startsWith(WIND_ID_PREFIX));
    if (named === undefined) {
      const paths = await Promise.all(source.paths.map((p, i) => this.confine(p, `${field}.paths[${i}]`)));
      return { ...source, paths };
    }
    const bundled = await this.wind(named.slice(WIND_ID_PREFIX.length));
    if (!bundled || source.paths.length !== 1)
      throw new ScenarioError([
        {
          path: `${field}.paths`,
          message: `"${WIND_ID_PREFIX}<id>" must be the only path and name a bundled wind (GET /api/winds)`,
          value: source.paths,
        },
      ]);
    const levelType = source.levelType ?? bundled.levelType;
    return { ...source, paths: bundled.files, ...(levelType ? { levelType } : {}) };
  }

  /**
   * A client's scenario with every path it names (wind files, zone files, launch area) made absolute
   * and confined to the bundled folders; `wind:<id>` stands for a bundled wind's files.
   */
  async confineScenario(scenario: Scenario): Promise<Scenario> {
    const wind = await this.confineWind(scenario.wind, 'wind');
    const zones = scenario.zones?.files
      ? {
          ...scenario.zones,
          files: await Promise.all(scenario.zones.files.map((p, i) => this.confine(p, `zones.files[${i}]`))),
        }
      : scenario.zones;
    const area = scenario.launch.area;
    const launch = area?.file
      ? { ...scenario.launch, area: { ...area, file: await this.confine(area.file, 'launch.area.file') } }
      : scenario.launch;
    return {
      ...scenario,
      wind,
      launch,
      ...(zones ? { zones } : {}),
    };
  }
}
