import { Readable } from 'node:stream';
import { CSV_HEADER, csvChunks, geoJson, runTracks, Scenario } from '@balloon-sim/sim-core';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { ClientError } from '../errors.js';
import {
  errorResponses,
  FeatureCollection,
  RunIdParams,
  RunInfoSchema,
  RunSummarySchema,
} from '../schemas.js';

/**
 * POST /api/runs runs a scenario to the end (on worker threads, bounded by the limits and
 * runTimeoutMs) and answers its summary; the result stays in a bounded store, read by id as JSON,
 * GeoJSON or CSV. Runs streamed over /api/stream are stored the same way.
 */
export const runRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const { runs, limits } = ctx;

  /** A finished run, or 404 (unknown or evicted) / 409 (not finished yet). */
  const finished = (id: string) => {
    const stored = runs.store.get(id);
    if (stored) return stored;
    if (runs.info(id)) throw new ClientError(409, `run ${id} has not finished yet`);
    throw new ClientError(404, `no run ${id} (unknown, or evicted from the store of finished runs)`);
  };

  app.post<{ Querystring: { workers: number } }>(
    '/api/runs',
    {
      schema: {
        body: Scenario,
        querystring: {
          type: 'object',
          properties: {
            workers: {
              type: 'integer',
              minimum: 1,
              maximum: limits.maxWorkersPerRun,
              default: 1,
              description: 'worker threads; the result is the same for any number',
            },
          },
          additionalProperties: false,
        },
        response: { 200: RunInfoSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Stop the work when the client goes away or the run takes too long.
      const gone = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableEnded) gone.abort();
      });
      const timeout = AbortSignal.timeout(limits.runTimeoutMs);
      const { info, result } = runs.submit({
        // Not kept in a variable: a waiting run must not hold its prepared members (see submit).
        checked: await ctx.check(request.body),
        clientId: request.ip,
        workers: request.query.workers,
        signal: AbortSignal.any([gone.signal, timeout]),
      });
      try {
        const { summary } = await result;
        return { ...info, summary };
      } catch (error) {
        if (timeout.aborted)
          throw new ClientError(503, `run stopped after runTimeoutMs = ${limits.runTimeoutMs} ms`);
        throw error;
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id',
    { schema: { params: RunIdParams, response: { 200: RunInfoSchema, ...errorResponses } } },
    async (request) => {
      const { id } = request.params;
      const stored = runs.store.get(id);
      if (stored) return { ...stored.info, summary: stored.result.summary };
      const info = runs.info(id);
      if (!info)
        throw new ClientError(404, `no run ${id} (unknown, or evicted from the store of finished runs)`);
      return info;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/summary',
    { schema: { params: RunIdParams, response: { 200: RunSummarySchema, ...errorResponses } } },
    async (request) => finished(request.params.id).result.summary,
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/geojson',
    {
      schema: {
        params: RunIdParams,
        response: {
          200: {
            ...FeatureCollection,
            description:
              'a LineString per member (a time per vertex), then a Point per event (sim-core geoJson)',
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { result } = finished(request.params.id);
      reply.type('application/geo+json');
      // As text, ended by a newline: the same bytes as `balloon-sim run --out run.geojson`.
      return reply.send(`${JSON.stringify(geoJson(runTracks(result)))}\n`);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/csv',
    {
      schema: {
        params: RunIdParams,
        response: {
          200: {
            type: 'string',
            description: `CSV, a row per member and output time from each member's launch (sim-core csvChunks), streamed: ${CSV_HEADER.trim()}`,
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { result } = finished(request.params.id);
      reply.type('text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="run-${request.params.id}.csv"`);
      return reply.send(Readable.from(csvChunks(runTracks(result))));
    },
  );
};
