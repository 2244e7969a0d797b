/**
 * @balloon-sim/node/cli: the command line's building blocks, for programs that extend it (the
 * queue package's `balloon-sim-queue`) with the same options, outputs, exit codes and signals.
 * `balloon-sim` itself is the bin, not this entry.
 */
export { type Command, type CommandContext, option, parse, required, UsageError } from './command.js';
export { BROKEN_PIPE_EXIT_CODE, Interrupted, stopOnSignals } from './interrupt.js';
export { type CommandLine, runCommandLine, version } from './main.js';
export { BrokenPipeError, OutputError, OutputFile, openOutput } from './outputs.js';
export { progressBar, workerCount } from './progress.js';
export { emitTable, openTableOutput, sweepScenario, tableFormat } from './sweep.js';
