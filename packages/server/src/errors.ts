import { readdirSync, realpathSync } from 'node:fs';
import {
  DecodeError,
  describeValue,
  InputError,
  ScenarioError,
  type ValidationIssue,
} from '@balloon-sim/sim-core';

/** A request the server refuses for a reason the client can act on: a limit, a missing run… */
export class ClientError extends Error {
  override name = 'ClientError';
  constructor(
    readonly statusCode: number,
    message: string,
    /** When to ask again, seconds (a Retry-After header), for a refusal that passes. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

/** A run stopped on purpose (cancel message, closed socket, shutdown), not a failure. */
export class RunCancelled extends Error {
  override name = 'RunCancelled';
}

/** One problem of a request, the shape every 400 answer lists. */
export interface Issue {
  path: string;
  message: string;
}

/** The body of every error answer (and the `message` of a WebSocket error). */
export interface ErrorBody {
  error: string;
  issues?: Issue[];
}

/**
 * Messages are written for users, but sim-core names files by their absolute path; clients only ever
 * see bundled files, so show them relative to the roots they were given (fixtures/…, shared-data/…).
 */
export type Redact = (text: string) => string;

/** What an absolute path that belongs to no root is shown as. */
export const SERVER_PATH = '(a server path)';

/**
 * Absolute paths (two segments at least) of the top folders of this machine's file system: what is
 * left of a server path once the roots are relative. `/api/…` and the like, or `m/s`, are not paths.
 */
function absolutePaths(): RegExp | null {
  let tops: string[];
  try {
    tops = readdirSync('/');
  } catch {
    // A root that cannot be listed gives no pattern: the roots' own paths are still rewritten.
    return null;
  }
  if (tops.length === 0) return null;
  const names = tops.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(?<![\\w.:/-])/(?:${names})/[^\\s"'(),;]*`, 'g');
}

/**
 * Rewrites absolute paths in a message: each root's own path and its real path (symbolic links
 * resolved: the server reads files by their real paths) become the root's label, longest first, and
 * any other absolute path of this machine becomes "(a server path)".
 */
export function redactor(roots: { path: string; label: string }[]): Redact {
  const all: { path: string; label: string }[] = [];
  for (const root of roots) {
    all.push(root);
    try {
      const real = realpathSync(root.path);
      if (real !== root.path) all.push({ path: real, label: root.label });
    } catch {}
  }
  // Longest first: fixtures/scenarios before fixtures, a deeper real path before a shorter one.
  all.sort((a, b) => b.path.length - a.path.length);
  const others = absolutePaths();
  return (text) => {
    const relative = all.reduce((out, root) => out.split(root.path).join(root.label), text);
    return others ? relative.replace(others, SERVER_PATH) : relative;
  };
}

/**
 * A decoding error as a client may read it: the file (relative), the part and offset, and the
 * reason with every quoted text taken out. Decoders quote what they could not read (a line, a
 * value) for whoever owns the file; a client does not, and must not learn the contents of server
 * files from errors.
 */
function decodeMessage(error: DecodeError, redact: Redact): string {
  const reason = error.reason
    // V8's JSON.parse quotes the offending character and the text around it, quotes unescaped.
    .replace(/Unexpected token [\s\S]* is not valid JSON/, 'Unexpected token')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  const part = error.part ? `${error.part}: ` : '';
  const offset = error.offset === undefined ? '' : ` (at byte ${error.offset})`;
  return redact(`${error.source}: ${part}${reason}${offset}`);
}

function issueOf(issue: ValidationIssue, redact: Redact): Issue {
  const got = 'value' in issue ? `, got ${describeValue(issue.value)}` : '';
  return { path: issue.path, message: redact(`${issue.message}${got}`) };
}

/**
 * The status and body for an error: input errors (sim-core's InputError, ScenarioError) and refusals
 * are 4xx with their message; Fastify's own 4xx keep theirs; anything else is a 500 that says nothing
 * of the internals.
 */
export function errorReply(
  error: unknown,
  redact: Redact,
): { statusCode: number; body: ErrorBody; retryAfterSec?: number } {
  if (error instanceof ScenarioError)
    return {
      statusCode: 400,
      body: { error: redact(error.message), issues: error.issues.map((i) => issueOf(i, redact)) },
    };
  if (error instanceof InputError) {
    const message = error instanceof DecodeError ? decodeMessage(error, redact) : redact(error.message);
    return {
      statusCode: 400,
      body: { error: message, issues: [{ path: redact(error.field ?? ''), message }] },
    };
  }
  if (error instanceof ClientError)
    return {
      statusCode: error.statusCode,
      body: { error: error.message },
      ...(error.retryAfterSec === undefined ? {} : { retryAfterSec: error.retryAfterSec }),
    };
  // Over HTTP a run is only cancelled by a shutdown (or a client that left and reads no answer).
  if (error instanceof RunCancelled) return { statusCode: 503, body: { error: error.message } };
  const e = error as { statusCode?: unknown; message?: unknown; validation?: unknown };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const validation = Array.isArray(e.validation)
      ? (e.validation as { instancePath?: string; message?: string }[]).map((v) => ({
          path: (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.'),
          message: v.message ?? 'is invalid',
        }))
      : undefined;
    return {
      statusCode: e.statusCode,
      body: { error: String(e.message ?? 'bad request'), ...(validation ? { issues: validation } : {}) },
    };
  }
  return { statusCode: 500, body: { error: 'internal server error' } };
}
