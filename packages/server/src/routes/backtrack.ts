import { type RegionSource, runTime, toolInfo } from '@balloon-sim/node';
import { type AltitudeBand, type Scenario as ScenarioDoc, validateScenario } from '@balloon-sim/sim-core';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { ClientError, RunCancelled } from '../errors.js';
import { errorResponses } from '../schemas.js';

/**
 * Back-tracks are bounded (≤ 2000 backward members, ≤ 5000 forward launches, a launch window of at
 * most 24 h, float ≤ 12 h): seconds of computing each, on a worker thread of the run pool (at most
 * maxActiveBacktracks at once, then a short queue), never on the event loop.
 */
const MAX_MEMBERS = 2000;
const MAX_FORWARD_MEMBERS = 5000;
const MAX_FLOAT_HOURS = 12;
const MAX_WINDOW_SEC = 24 * 3600;
/**
 * Forward tracks an answer may carry, kept and rejected each: at most 120 points a track (the
 * core's default cap), so 2 × 100 tracks stay under about 1 MB of JSON.
 */
const MAX_FORWARD_TRACKS = 100;
/** Bundled launch regions a request may name (a file path is not accepted over the network). */
const REGION_IDS = ['by-border-strip', 'belarus', 'anywhere'] as const;

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
  forwardMembers?: number;
  forwardTracks?: { kept?: number; rejected?: number };
  region?: (typeof REGION_IDS)[number] | Record<string, unknown>;
  launchWindow?: { start: string; end: string };
  timeZone?: string;
  windowStartHourLocal?: number;
  floatAltitudes?: AltitudeBand[];
  floatAltitudeM?: number;
  maxFloatHours?: number;
  ascentRateMps?: number;
  seed?: number;
}

/**
 * POST /api/backtrack: from radar detections of one balloon, where and when it was probably launched
 * (see sim-core's backtrack): the posterior under the priors (region, launch window, float
 * altitudes), the forward cross-check and their agreement. The wind is given as in a scenario, with
 * the same path confinement; the worker reads it like a run's, and a wind of several forecast members
 * (an ensemble, members, lagged, gridOffset) is back-tracked member by member (the answer's
 * `forecast`). The region is a bundled id (default
 * the Belarusian border strip), "anywhere", or GeoJSON given inline.
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
            forwardMembers: { type: 'integer', minimum: 0, maximum: MAX_FORWARD_MEMBERS },
            forwardTracks: {
              description:
                "return a sample of the forward cross-check's tracks (kept launches and rejected ones, at most this many each; default 40 each)",
              type: 'object',
              additionalProperties: false,
              properties: {
                kept: { type: 'integer', minimum: 0, maximum: MAX_FORWARD_TRACKS },
                rejected: { type: 'integer', minimum: 0, maximum: MAX_FORWARD_TRACKS },
              },
            },
            region: {
              description:
                'where launches happen: a bundled region id, "anywhere", or a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection',
              oneOf: [
                { type: 'string', enum: [...REGION_IDS] },
                { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
              ],
            },
            launchWindow: {
              type: 'object',
              required: ['start', 'end'],
              additionalProperties: false,
              properties: {
                start: { type: 'string', format: 'date-time' },
                end: { type: 'string', format: 'date-time' },
              },
            },
            timeZone: { type: 'string', minLength: 1, maxLength: 64 },
            windowStartHourLocal: { type: 'number', minimum: 0, exclusiveMaximum: 24 },
            floatAltitudes: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              items: {
                type: 'object',
                required: ['fromM', 'toM'],
                additionalProperties: false,
                properties: {
                  fromM: { type: 'number', minimum: -500, maximum: 50_000 },
                  toM: { type: 'number', minimum: -500, maximum: 50_000 },
                  weight: { type: 'number', minimum: 0, maximum: 1e6 },
                },
              },
            },
            floatAltitudeM: { type: 'number', exclusiveMinimum: 0, maximum: 30_000 },
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
      const launchWindow = body.launchWindow && {
        startSec: Date.parse(body.launchWindow.start) / 1000,
        endSec: Date.parse(body.launchWindow.end) / 1000,
      };
      // A window is what the members float back through: bounded like the members.
      if (launchWindow && launchWindow.endSec - launchWindow.startSec > MAX_WINDOW_SEC)
        throw new ClientError(
          400,
          `launchWindow must span at most ${MAX_WINDOW_SEC / 3600} h, got ${body.launchWindow!.start} to ${body.launchWindow!.end}`,
        );
      const region: RegionSource | null =
        body.region === 'anywhere'
          ? null
          : typeof body.region === 'string'
            ? { bundled: body.region }
            : body.region === undefined
              ? { bundled: 'by-border-strip' }
              : { geojson: body.region };
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
            forward:
              body.forwardMembers === 0
                ? false
                : body.forwardMembers === undefined && body.forwardTracks === undefined
                  ? undefined
                  : {
                      members: body.forwardMembers,
                      ...(body.forwardTracks ? { tracks: { ...body.forwardTracks } } : {}),
                    },
            region,
            launchWindow,
            timeZone: body.timeZone,
            windowStartHourLocal: body.windowStartHourLocal,
            floatAltitudes: body.floatAltitudes?.map((b) => ({ ...b, weight: b.weight ?? 1 })),
            floatAltitudeM: body.floatAltitudeM,
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
