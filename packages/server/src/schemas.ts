/**
 * JSON Schemas of requests and answers shared by several routes. Fastify validates requests with them
 * and serialises answers through them (fast-json-stringify), so every object that carries free-form
 * content says `additionalProperties: true` — without it the serialiser would drop its fields.
 */

/** An object whose content is described elsewhere (a sim-core structure, a GeoJSON feature…). */
export const anyObject = (description: string) =>
  ({ type: 'object', additionalProperties: true, description }) as const;

export const ErrorReply = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'what is wrong, for people' },
    issues: {
      type: 'array',
      description: 'each problem of the request with its JSON path (e.g. solver.dtSec)',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

/** Error answers of every route. */
export const errorResponses = { '4xx': ErrorReply, '5xx': ErrorReply } as const;

export const FeatureCollection = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string', const: 'FeatureCollection' },
    features: { type: 'array', items: anyObject('a GeoJSON Feature') },
  },
  additionalProperties: true,
} as const;

/** sim-core's RunSummary (src/analysis/summary.ts); nested parts are described there. */
export const RunSummarySchema = {
  type: 'object',
  description: 'the summary `balloon-sim run --json` prints',
  required: ['wind', 'direction', 'start', 'end', 'members', 'status', 'sites', 'zones', 'landings', 'risk'],
  properties: {
    name: { type: ['string', 'null'] },
    wind: { type: 'string' },
    direction: { type: 'string', enum: ['forward', 'backward'] },
    method: { type: 'string' },
    dtSec: { type: 'number' },
    start: { type: 'string', format: 'date-time' },
    end: { type: 'string', format: 'date-time' },
    members: { type: 'integer' },
    status: anyObject('members per end status'),
    sites: { type: 'array', items: anyObject('a launch site: members, end status, distances') },
    border: { type: ['object', 'null'], additionalProperties: true, description: 'border crossing' },
    closureThreshold: {
      type: 'number',
      description: 'P(inside) at or above which the threshold window is open',
    },
    timeline: {
      type: 'array',
      items: { type: 'string', format: 'date-time' },
      description: 'the output times of each zone’s insideProbability',
    },
    zones: {
      type: 'array',
      items: anyObject(
        'a zone: P(enter) lower and upper bounds, entry times, the any-member and threshold closure windows, P(inside) timeline, closest approach',
      ),
    },
    coverage: anyObject('members that left the wind’s coverage (unresolved): how many, where, when'),
    landings: anyObject('where payloads came down, per country of the geography and elsewhere'),
    risk: {
      type: 'array',
      items: anyObject('per site and launch time: probabilities with bounds, threshold windows'),
    },
    bands: {
      type: 'array',
      items: anyObject('per float-altitude band of a fan: P(enter) per zone, P(border)'),
    },
    forecast: anyObject(
      'a wind of several forecast members (absent for one wind): per member P(enter) per zone with counts and whether it reaches the closure threshold, per zone the range across members and how many reach the threshold',
    ),
    warnings: { type: 'array', items: { type: 'string' } },
    provenance: {
      type: ['object', 'null'],
      additionalProperties: true,
      description:
        'what produced the run: tool, time, scenario as run, wind source and files (SHA-256), seed, members',
    },
  },
  additionalProperties: true,
} as const;

export const RunInfoSchema = {
  type: 'object',
  required: ['id', 'status', 'members', 'steps', 'frames', 'workers', 'warnings', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['queued', 'running', 'done'] },
    members: { type: 'integer' },
    steps: { type: 'integer' },
    frames: { type: 'integer', description: 'output frames, the launch frame included' },
    workers: { type: 'integer' },
    warnings: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    summary: RunSummarySchema,
  },
  additionalProperties: false,
} as const;

/** `:id` of a run: a UUID, so nothing path-like ever reaches a lookup. */
export const RunIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
  additionalProperties: false,
} as const;

/** `:id` of a bundled scenario or wind: a short name (looked up in a list, never used as a path). */
export const NameParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$' } },
  additionalProperties: false,
} as const;
