import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';

/** GET /api/health: cheap, never rate limited, answers while runs compute (they are on workers). */
export const healthRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    '/api/health',
    {
      config: { rateLimit: false },
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['status', 'runs'],
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
            },
            additionalProperties: false,
          },
        },
      },
    },
    async () => ({ status: 'ok', runs: ctx.runs.counts() }),
  );
};
