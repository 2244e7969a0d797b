import { formatSummary, prepareRun, runPrepared } from '../../index.js';
import { readScenarioFile } from '../files.js';
import { loadScenarioWind } from '../load-wind.js';
import { type Command, parse, UsageError } from './command.js';

export const runCommand: Command = {
  summary: 'simulate a scenario and print its summary',
  usage: `usage: balloon-sim run <scenario.json> [--json]

Runs the scenario (wind, launch sites and times, flight profile, solver, ensemble) and prints a
summary table per launch site: how members ended, where, how far they went.
  --json   print the summary as one JSON document instead`,
  async run(args, { out }) {
    const parsed = parse(args, { json: { type: 'boolean' } }, this.usage);
    if (parsed.values.help) return out(this.usage);
    if (parsed.positionals.length !== 1) throw new UsageError(`run takes one scenario file\n\n${this.usage}`);
    const file = await readScenarioFile(parsed.positionals[0]);
    const wind = await loadScenarioWind(file.scenario.wind, file.baseDir);
    const result = runPrepared(prepareRun(file.scenario, wind), { keepFrames: false });
    out(parsed.values.json ? JSON.stringify(result.summary) : formatSummary(result.summary));
  },
};

export const validateCommand: Command = {
  summary: 'check a scenario file (schema, wind coverage, flight profile)',
  usage: `usage: balloon-sim validate <scenario.json>

Checks the scenario against its JSON Schema and against its wind data; prints every problem with
its JSON path, or "ok".`,
  async run(args, { out }) {
    const parsed = parse(args, {}, this.usage);
    if (parsed.values.help) return out(this.usage);
    if (parsed.positionals.length !== 1)
      throw new UsageError(`validate takes one scenario file\n\n${this.usage}`);
    const file = await readScenarioFile(parsed.positionals[0]);
    const wind = await loadScenarioWind(file.scenario.wind, file.baseDir);
    const prepared = prepareRun(file.scenario, wind);
    out(`ok: ${prepared.simulation.members.count} members`);
    for (const w of prepared.warnings) out(`warning: ${w}`);
  },
};
