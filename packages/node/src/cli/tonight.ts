import { resolve as resolvePath } from 'node:path';
import {
  briefingMarkdown,
  formatBriefing,
  prepareRun,
  type RunSummary,
  runSteps,
} from '@balloon-sim/sim-core';
import { DownloadError, writeFileAtomic } from '../fetch/download.js';
import { fetchForecast } from '../fetch/forecast.js';
import { forecastModel, parseModelCycle } from '../fetch/models.js';
import { defaultStoreRoot, STORE_ENV } from '../fetch/store.js';
import { loadScenarioTargets } from '../geography.js';
import { runContext } from '../provenance.js';
import {
  BUNDLED_TONIGHT_DIR,
  DEFAULT_LAUNCH_HOURS,
  parseLaunchHours,
  planTonight,
  TONIGHT_BOX,
  TONIGHT_FETCH_MODEL,
  TONIGHT_MODEL_ORDER,
  tonightBriefing,
  tonightLaunchTimes,
  tonightOf,
} from '../tonight.js';
import { WorkerPool } from '../workers/pool.js';
import { type Command, type CommandContext, option, parse, UsageError } from './command.js';
import { OutputError } from './outputs.js';
import { drive, progressBar, workerCount } from './progress.js';

const usage = `usage: balloon-sim tonight [--from DIR | --store DIR] [--model M] [--cycle C] [options]

Tonight, in one command: takes the latest forecast (fetched into the store, or from a store folder
with --from, offline), runs the bundled border-strip scenario (fixtures/scenarios/border-strip.json:
40 launch points in the strip inside Belarus along the Lithuanian border) at every hour of tonight's
launch hours, and prints the briefing: per airport (EYVI Vilnius, EYKA Kaunas) and launch hour, in
local time and UTC, P(enter) of each of its zones with its bounds; the threshold closure window
(from–to) or "no closure indicated"; for an ensemble model, the spread across its forecast
members (P(enter) by member, how many reach the threshold, and whether the uncertainty lies in the
weather or in the launch); the float-altitude bands that matter; the forecast used
(model, cycle, steps, files' SHA-256); and where the answer stops (launch points outside the
forecast's box, hours outside its times, members that left the wind's area).
  --from DIR          a forecast store folder (<DIR>/<model>/<YYYYMMDDHH>/index.json): use the
                      newest complete cycle in it, offline; no download is attempted
  --store DIR         the store to fetch into and read (default $${STORE_ENV}, else the user cache)
  --model M           ${TONIGHT_MODEL_ORDER.join(', ')}; default: the first of these (in this order:
                      the ensembles first, for the spread of the weather) whose newest complete
                      cycle is at most 12 h older than the store's newest; when fetching, ${TONIGHT_FETCH_MODEL}
  --forecast-members control|all
                      an ensemble model's members: all (default: every member of the cycle flown as
                      its own wind; the briefing gives their spread per airport) or control (member 0)
  --lagged N          a lagged forecast: this cycle and the N − 1 complete ones before it in the store
  --grid-offset       HYSPLIT's grid-offset ensemble of the forecast (27 displaced copies)
  --cycle C           latest (default) or YYYYMMDDHH
  --night YYYY-MM-DD  the local date of the evening (default: tonight; before the morning end of
                      the launch hours, the night in progress)
  --launch-hours H-H  local launch hours, both included, every hour (default ${DEFAULT_LAUNCH_HOURS}: 18:00 in the
                      evening to 06:00 in the morning); hours the forecast does not cover are named, not run
  --time-zone ZONE    the zone of the launch hours and of the local times shown (default Europe/Vilnius)
  --members N         members per launch point and hour, at most 5000, at least the forecast members
                      (default: the scenario's 10, raised to the smallest multiple of the forecast
                      members, so each flies the same number: 51 for ECMWF ENS, 31 for GEFS)
  --seed N            the ensemble's seed (default the scenario's)
  --threshold P       closure threshold, a fraction (default the scenario's, else 0.01: 1 %)
  --json              print the briefing as one JSON document instead of text
  --out-json FILE     also write the briefing as JSON
  --out-md FILE       also write it as one page of Markdown
  --workers N         worker threads (default: every core); the same figures for any N
  --base-url URL      the forecast server to fetch from (a mirror, or a local one in tests)
  --attempts N        download attempts for network errors and 5xx answers (default 3)
Without --from the latest cycle of the model is fetched into the store first (the downloaders step
back to the previous cycle while the newest is not complete on the server), and stderr says so; a
failed download falls back to what the store holds. Exit 2 when the store holds no usable cycle
(empty, no cycle of the model, incomplete or damaged: the folder and model are named).`;

/** How long after the last launch the fetched forecast must reach: the border strip's run (8 h). */
const FLIGHT_AFTER_LAST_LAUNCH_SEC = 8 * 3600;

/** Members per launch point and hour the briefing's per-hour counts stay exact for (see buildBriefing). */
const MAX_MEMBERS_PER_LAUNCH = 5000;

/** A whole number option ≥ min, or a usage error naming it. */
function wholeOption(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

export const tonightCommand: Command = {
  summary: "the night's briefing: the latest forecast, the border strip, tonight's launch hours",
  usage,
  async run(args, context: CommandContext) {
    const { out, note, signal } = context;
    const parsed = parse(
      args,
      {
        from: { type: 'string' },
        store: { type: 'string' },
        model: { type: 'string' },
        cycle: { type: 'string' },
        night: { type: 'string' },
        'launch-hours': { type: 'string' },
        'time-zone': { type: 'string' },
        members: { type: 'string' },
        seed: { type: 'string' },
        threshold: { type: 'string' },
        json: { type: 'boolean' },
        'out-json': { type: 'string' },
        'out-md': { type: 'string' },
        workers: { type: 'string' },
        'base-url': { type: 'string' },
        attempts: { type: 'string' },
        'forecast-members': { type: 'string' },
        lagged: { type: 'string' },
        'grid-offset': { type: 'boolean' },
      },
      usage,
    );
    if (parsed.values.help) return out(usage);
    if (parsed.positionals.length > 0)
      throw new UsageError(`tonight takes no file, got ${parsed.positionals.join(' ')}\n\n${usage}`);
    const v = parsed.values as Record<string, string | boolean | undefined>;
    const text = (name: string) => v[name] as string | undefined;
    if (text('from') !== undefined && text('store') !== undefined)
      throw new UsageError(`give --from or --store, not both\n\n${usage}`);
    const model = text('model');
    if (model !== undefined) option(() => forecastModel(model));
    const launchHours = text('launch-hours') ?? DEFAULT_LAUNCH_HOURS;
    const hours = option(() => parseLaunchHours(launchHours, '--launch-hours'));
    const threshold = text('threshold') === undefined ? undefined : Number(text('threshold'));
    if (threshold !== undefined && !(threshold > 0 && threshold <= 1))
      throw new UsageError(
        `--threshold must be a fraction 0 < P ≤ 1 (0.01 is 1 %), got ${JSON.stringify(text('threshold'))}`,
      );
    const members = wholeOption(text('members'), 'members', 1);
    // The briefing sums each launch point's counts from the summary's rows, whose probabilities are
    // rounded to 4 decimals: exact up to 5 000 members a row.
    if (members !== undefined && members > MAX_MEMBERS_PER_LAUNCH)
      throw new UsageError(
        `--members must be at most ${MAX_MEMBERS_PER_LAUNCH} per launch point and hour, got ${members}`,
      );
    const seed = wholeOption(text('seed'), 'seed', 0);
    const forecastMembers = text('forecast-members');
    if (forecastMembers !== undefined && forecastMembers !== 'control' && forecastMembers !== 'all')
      throw new UsageError(
        `--forecast-members must be control or all, got ${JSON.stringify(forecastMembers)}`,
      );
    const lagged = wholeOption(text('lagged'), 'lagged', 1);
    const timeZone = text('time-zone');
    const from = text('from');
    const storeRoot = resolvePath(from ?? text('store') ?? defaultStoreRoot());
    const nowSec = Date.now() / 1000;

    let chosenModel = model;
    if (from === undefined) {
      // Fetch the cycle over the night's launch hours and the flights after them (the scenario's 8 h).
      const fetchModel = model ?? TONIGHT_FETCH_MODEL;
      const cycle = text('cycle') ?? 'latest';
      const zone = timeZone ?? 'Europe/Vilnius';
      const launches = tonightLaunchTimes(text('night') ?? tonightOf(nowSec, hours, zone), hours, zone);
      // A cycle holds no step before its start: "latest" starts at most an hour before now (the
      // newest cycle is older than that), a named cycle at its start.
      const earliest =
        cycle === 'latest' ? nowSec - 3600 : parseModelCycle(forecastModel(fetchModel), cycle).timeSec;
      const period = {
        startSec: Math.max(launches[0] - 3600, earliest),
        endSec: launches.at(-1)! + FLIGHT_AFTER_LAST_LAUNCH_SEC,
      };
      if (period.endSec <= period.startSec) {
        note(
          `the night's flights end before ${cycle === 'latest' ? 'now' : `cycle ${cycle} starts`}: nothing to fetch; using what the store ${storeRoot} holds`,
        );
      } else {
        note(
          `fetching the ${cycle === 'latest' ? 'latest ' : ''}${fetchModel} cycle${cycle === 'latest' ? '' : ` ${cycle}`} into ${storeRoot} (offline: --from DIR)`,
        );
        try {
          const fetched = await fetchForecast({
            model: fetchModel,
            cycle,
            period,
            box: TONIGHT_BOX,
            storeRoot,
            signal,
            log: note,
            baseUrl: text('base-url'),
            attempts: wholeOption(text('attempts'), 'attempts', 1),
          });
          chosenModel = fetched.model;
          note(
            `fetched ${fetched.model} cycle ${fetched.cycle}${fetched.index.complete ? '' : ' (incomplete)'} into ${fetched.dir}`,
          );
        } catch (error) {
          if (!(error instanceof DownloadError) || signal.aborted) throw error;
          note(`could not fetch (${error.message}); using what the store ${storeRoot} holds`);
        }
      }
    }

    const plan = await planTonight({
      storeRoot,
      model: chosenModel,
      cycle: text('cycle'),
      night: text('night'),
      nowSec,
      launchHours,
      timeZone,
      members,
      seed,
      threshold,
      forecastMembers,
      lagged,
      gridOffset: v['grid-offset'] === true,
      fixturesDir: BUNDLED_TONIGHT_DIR,
    });
    const forecastCount = plan.forecastMembers;
    note(
      `tonight ${plan.night}: ${plan.cycle.index.model} cycle ${plan.cycle.index.cycle} from ${plan.cycle.dir}${forecastCount > 1 ? `; ${forecastCount} forecast members, ${plan.scenario.ensemble?.members} trajectory members per launch point and hour${members === undefined ? ` (default: ${(plan.scenario.ensemble?.members ?? 0) / forecastCount} for each forecast member; --members to change)` : ''}` : ''}`,
    );
    const prepared = prepareRun(plan.scenario, plan.wind, await runContext(plan.scenario, plan.baseDir));
    const sim = prepared.simulation;
    const workers = workerCount(v.workers, sim.members.count * (sim.durationSec / sim.dtSec));
    const pool = workers > 1 && sim.members.count > 1 ? new WorkerPool(workers) : null;
    let summary: RunSummary;
    try {
      const targets = await loadScenarioTargets(plan.scenario, plan.baseDir);
      const result = pool
        ? await pool.run({
            scenario: plan.scenario,
            baseDir: plan.baseDir,
            prepared,
            workers,
            signal,
            onProgress: progressBar('simulating'),
            targets,
            keepFrames: false,
          })
        : await drive(runSteps(prepared, { targets, keepFrames: false }), signal, 'simulating');
      summary = result.summary;
    } finally {
      await pool?.close();
    }
    const briefing = tonightBriefing(plan, summary);
    const json = `${JSON.stringify(briefing, null, 2)}\n`;
    for (const [path, content] of [
      [text('out-json'), json],
      [text('out-md'), briefingMarkdown(briefing)],
    ] as const) {
      if (path === undefined) continue;
      try {
        await writeFileAtomic(resolvePath(path), content);
      } catch (error) {
        throw new OutputError(path, (error as Error).message, error);
      }
    }
    out(v.json ? JSON.stringify(briefing) : formatBriefing(briefing));
    for (const path of [text('out-json'), text('out-md')])
      if (path !== undefined && !v.json) note(`wrote ${path}`);
  },
};
