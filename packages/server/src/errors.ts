import { describeValue, InputError, ScenarioError, type ValidationIssue } from '@balloon-sim/sim-core';

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

export function redactor(roots: { path: string; label: string }[]): Redact {
  return (text) => roots.reduce((out, root) => out.split(root.path).join(root.label), text);
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
    const message = redact(error.message);
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
