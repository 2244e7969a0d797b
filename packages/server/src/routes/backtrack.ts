import { runTime, toolInfo } from '@balloon-sim/node';
import { type Scenario as ScenarioDoc, validateScenario } from '@balloon-sim/sim-core';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { RunCancelled } from '../errors.js';
import { errorResponses } from '../schemas.js';

/**
 * Back-tracks are bounded (≤ 2000 members, ≤ 12 h): up to ~1 s of computing each, on a worker thread
 * of the run pool (at most maxActiveBacktracks at once, then a short queue), never on the event loop.
 */
const MAX_MEMBERS = 2000;
const MAX_FLOAT_HOURS = 12;

const Detection = {
  type: 'object',
  required: ['lon', 'lat', 'altM', 'time'],
  additionalProperties: false,
  properties: {
    lon: { type: 'number', minimum: -180, maximum: 360 },
    lat: { type: 'number', minimum: -90, maximum: 90 },
    altM: { type: 'number', minimum: -500, maximum: 30_000 },
    time: { type: 'string', format: 'date-time' },
    sigmaPositionM: { type: 'number', minimum: 0, maximum: 100_000 },
    sigmaAltM: { type: 'number', minimum: 0, maximum: 10_000 },
    sigmaTimeSec: { type: 'number', minimum: 0, maximum: 86_400 },
  },
} as const;

interface BacktrackBody {
  wind: ScenarioDoc['wind'];
  detections: {
    lon: number;
    lat: number;
    altM: number;
    time: string;
    sigmaPositionM?: number;
    sigmaAltM?: number;
    sigmaTimeSec?: number;
  }[];
  members?: number;
  maxFloatHours?: number;
  ascentRateMps?: number;
  seed?: number;
}

/**
 * POST /api/backtrack: from radar detections of one balloon, where it was probably launched (see
 * sim-core's backtrack). The wind is given as in a scenario, with the same path confinement; the
 * worker reads it (and the zones whose origin country makes a launch plausible) like a run's.
 */
export const backtrackRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post<{ Body: BacktrackBody }>(
    '/api/backtrack',
    {
      schema: {
        body: {
          type: 'object',
          required: ['wind', 'detections'],
          additionalProperties: false,
          properties: {
            wind: { type: 'object', description: 'a scenario wind source, checked by the scenario schema' },
            detections: { type: 'array', minItems: 1, maxItems: 20, items: Detection },
            members: { type: 'integer', minimum: 1, maximum: MAX_MEMBERS },
            maxFloatHours: { type: 'number', exclusiveMinimum: 0, maximum: MAX_FLOAT_HOURS },
            ascentRateMps: { type: 'number', exclusiveMinimum: 0, maximum: 20 },
            seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
          },
        },
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const first = body.detections[0];
      // The wind is checked by the scenario schema (its messages and paths) inside a one-site
      // carrier scenario, then its paths are confined and resolved as a scenario's are.
      const carrier = await ctx.catalog.confineScenario(
        validateScenario({
          wind: body.wind,
          launch: {
            sites: [{ id: 'detection', lon: first.lon, lat: first.lat }],
            times: { start: first.time },
          },
          flight: { floatAltitudeM: first.altM },
          solver: { durationSec: 60 },
        } satisfies ScenarioDoc),
      );
      // A client that leaves while its back-track waits for a slot takes it out of the queue.
      const gone = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableEnded) gone.abort(new RunCancelled('client closed the connection'));
      };
      reply.raw.on('close', onClose);
      try {
        return await ctx.runs.backtrack(
          {
            scenario: carrier,
            baseDir: ctx.catalog.scenariosDir,
            detections: body.detections.map((d) => ({ ...d, tSec: Date.parse(d.time) / 1000 })),
            // Left out, they take sim-core's back-track defaults (BACKTRACK_DEFAULTS).
            members: body.members,
            maxFloatSec: body.maxFloatHours === undefined ? undefined : body.maxFloatHours * 3600,
            ascentRateMps: body.ascentRateMps,
            seed: body.seed,
            // The answer's provenance: when this server took the request, and which tool answered.
            context: { runTime: runTime(), tool: toolInfo() },
          },
          gone.signal,
        );
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  );
};
