import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { appendAll } from '../arrays.js';
import { isTimeZone } from '../local-time.js';
import { ScenarioError, type ValidationIssue } from './issues.js';
import { Scenario } from './schema.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false });
addFormats(ajv);
const checkScenario = ajv.compile(Scenario);

/** JSON pointer (/launch/sites/0/lon) to the dotted form users read (launch.sites[0].lon). */
function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function valueAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** The schema node at an Ajv schemaPath (#/properties/wind/…). */
function schemaAt(schemaPath: string): unknown {
  let node: unknown = Scenario;
  for (const part of schemaPath.split('/').slice(1))
    node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(part)];
  return node;
}

/** The `type` values a discriminated union accepts. */
function variantTags(e: ErrorObject): string[] {
  // schemaPath is like #/properties/wind/discriminator: the union is the schema that holds it.
  let node: unknown = Scenario;
  for (const part of e.schemaPath.split('/').slice(1, -1))
    node = (node as Record<string, unknown> | undefined)?.[part];
  const variants = (node as { oneOf?: { properties?: { type?: { const?: string } } }[] } | undefined)?.oneOf;
  return (variants ?? []).map((v) => v.properties?.type?.const ?? '?');
}

function toIssue(doc: unknown, e: ErrorObject): ValidationIssue {
  const path = jsonPath(e.instancePath);
  const value = valueAt(doc, e.instancePath);
  const join = (field: string) => (path ? `${path}.${field}` : field);
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: join(String(e.params.additionalProperty)), message: 'is not a known field' };
    case 'required':
      return { path: join(String(e.params.missingProperty)), message: 'is required' };
    case 'discriminator':
      return {
        path: join('type'),
        message: `must be one of: ${variantTags(e).join(', ')}`,
        value: valueAt(doc, `${e.instancePath}/type`),
      };
    case 'enum':
      return { path, message: `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`, value };
    case 'format':
      return e.params.format === 'date-time'
        ? {
            path,
            message: 'must be an ISO 8601 date-time with a time zone (e.g. 2025-10-24T19:00:00Z)',
            value,
          }
        : { path, message: `must be a ${e.params.format}`, value };
    case 'not': {
      // The only `not` in the schema excludes a band around zero (a rotation period): say which.
      const band = schemaAt(e.schemaPath) as { exclusiveMinimum?: number; exclusiveMaximum?: number };
      return {
        path,
        message: `must not lie strictly between ${band.exclusiveMinimum} and ${band.exclusiveMaximum}`,
        value,
      };
    }
    case 'formatMinimum':
    case 'formatMaximum':
      return {
        path,
        message: `must be ${e.keyword === 'formatMinimum' ? 'at or after' : 'at or before'} ${e.params.limit}`,
        value,
      };
    default:
      return { path, message: e.message ?? 'is invalid', value };
  }
}

/** Numbers JSON cannot hold but code can pass (NaN, ±Infinity) are refused everywhere. */
function nonFiniteNumbers(node: unknown, pointer: string, out: ValidationIssue[]): void {
  if (typeof node === 'number') {
    if (!Number.isFinite(node))
      out.push({ path: jsonPath(pointer), message: 'must be a finite number', value: node });
  } else if (Array.isArray(node)) {
    node.forEach((item, i) => {
      nonFiniteNumbers(item, `${pointer}/${i}`, out);
    });
  } else if (node && typeof node === 'object') {
    for (const [key, item] of Object.entries(node)) nonFiniteNumbers(item, `${pointer}/${key}`, out);
  }
}

/** Schema problems of a document, [] when it is a valid scenario. */
export function scenarioIssues(doc: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  nonFiniteNumbers(doc, '', issues);
  if (!checkScenario(doc)) {
    // With a discriminator, Ajv also reports the union itself; keep the specific errors.
    const errors = (checkScenario.errors ?? []).filter((e) => !(e.keyword === 'oneOf'));
    for (const e of errors) issues.push(toIssue(doc, e));
  }
  // A zone name the schema lets through (a string) but Intl does not know.
  const timeZone = (doc as { output?: { timeZone?: unknown } } | null)?.output?.timeZone;
  if (typeof timeZone === 'string' && !isTimeZone(timeZone))
    issues.push({
      path: 'output.timeZone',
      message: 'must be an IANA time zone such as Europe/Vilnius or UTC',
      value: timeZone,
    });
  appendAll(issues, windSourceIssues((doc as { wind?: unknown } | null)?.wind));
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What the schema cannot say of a wind source: fields that exclude each other, weights per member. */
function windSourceIssues(wind: unknown, path = 'wind'): ValidationIssue[] {
  if (!wind || typeof wind !== 'object') return [];
  const w = wind as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (w.type === 'ensemble' && Array.isArray(w.members)) {
    w.members.forEach((m, k) => {
      appendAll(issues, windSourceIssues(m, `${path}.members[${k}]`));
    });
    if (Array.isArray(w.weights) && w.weights.length !== w.members.length)
      issues.push({
        path: `${path}.weights`,
        message: `must give one weight per source of ${path}.members (${w.members.length})`,
        value: w.weights,
      });
  }
  if (w.member !== undefined && w.members !== undefined)
    issues.push({
      path: `${path}.members`,
      message: `cannot be given together with ${path}.member (one member, or several)`,
      value: w.members,
    });
  return issues;
}

/** Checks a document against the scenario schema; throws ScenarioError listing every problem. */
export function validateScenario(doc: unknown): Scenario {
  const issues = scenarioIssues(doc);
  if (issues.length > 0) throw new ScenarioError(issues);
  return doc as Scenario;
}
