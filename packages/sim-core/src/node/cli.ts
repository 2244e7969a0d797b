#!/usr/bin/env node
/**
 * balloon-sim: the command line. Exit codes: 0 ok, 1 the run failed, 2 bad usage or bad input.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatSummary, InputError, prepareRun, runPrepared } from '../index.js';
import { readScenarioFile } from './files.js';
import { loadScenarioWind } from './load-wind.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<void>;
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): ParsedArgs {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

const commands: Record<string, Command> = {
  run: {
    summary: 'simulate a scenario and print its summary',
    usage: `usage: balloon-sim run <scenario.json> [--json]

Runs the scenario (wind, launch sites and times, flight profile, solver, ensemble) and prints a
summary table per launch site: how members ended, where, how far they went.
  --json   print the summary as one JSON document instead`,
    async run(args) {
      const { values, positionals } = parse(args, { json: { type: 'boolean' } }, this.usage);
      if (values.help) return out(this.usage);
      if (positionals.length !== 1) throw new UsageError(`run takes one scenario file\n${this.usage}`);
      const file = await readScenarioFile(positionals[0]);
      const wind = await loadScenarioWind(file.scenario.wind, file.baseDir);
      const result = runPrepared(prepareRun(file.scenario, wind), { keepFrames: false });
      out(values.json ? JSON.stringify(result.summary) : formatSummary(result.summary));
    },
  },
  validate: {
    summary: 'check a scenario file (schema, wind coverage, flight profile)',
    usage: `usage: balloon-sim validate <scenario.json>

Checks the scenario against its JSON Schema and against its wind data; prints every problem with
its JSON path, or "ok".`,
    async run(args) {
      const { values, positionals } = parse(args, {}, this.usage);
      if (values.help) return out(this.usage);
      if (positionals.length !== 1) throw new UsageError(`validate takes one scenario file\n${this.usage}`);
      const file = await readScenarioFile(positionals[0]);
      const wind = await loadScenarioWind(file.scenario.wind, file.baseDir);
      const prepared = prepareRun(file.scenario, wind);
      out(`ok: ${prepared.simulation.members.count} members`);
      for (const w of prepared.warnings) out(`warning: ${w}`);
    },
  },
};

const mainUsage = `usage: balloon-sim <command> [options]

Balloon drift trajectory simulator.

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "balloon-sim <command> --help" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const command = name === 'help' && rest[0] ? commands[rest[0]] : undefined;
      out(command ? command.usage : mainUsage);
      return 0;
    }
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}"\n\n${mainUsage}`);
    await command.run(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError) {
      process.stderr.write(`balloon-sim: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`balloon-sim: the run failed: ${(error as Error)?.stack ?? error}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
