import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';

/**
 * GET /api/health: cheap, never rate limited, answers while runs and back-tracks compute (they are
 * on worker threads).
 */
export const healthRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    '/api/health',
    {
      config: { rateLimit: false },
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['status', 'runs', 'backtracks'],
            properties: {
              status: { type: 'string', const: 'ok' },
              runs: {
                type: 'object',
                required: ['active', 'queued'],
                properties: {
                  active: { type: 'integer', description: 'runs computing now' },
                  queued: { type: 'integer', description: 'runs waiting for a slot' },
                },
                additionalProperties: false,
              },
              backtracks: {
                type: 'object',
                required: ['active', 'queued'],
                properties: {
                  active: { type: 'integer', description: 'back-tracks computing now' },
                  queued: { type: 'integer', description: 'back-tracks waiting for a slot' },
                },
                additionalProperties: false,
              },
            },
            additionalProperties: false,
          },
        },
      },
    },
    async () => ({ status: 'ok', runs: ctx.runs.counts(), backtracks: ctx.runs.backtrackCounts() }),
  );
};
