import { Scenario } from '@balloon-sim/sim-core';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { ClientError } from '../errors.js';
import { errorResponses, NameParams } from '../schemas.js';

/** The bundled scenario files (fixtures/scenarios/*.json): a list, and each document as written. */
export const scenarioRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    '/api/scenarios',
    {
      schema: {
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name', 'description', 'available'],
              properties: {
                id: { type: 'string', description: 'file name without .json' },
                name: { type: 'string' },
                description: { type: 'string' },
                available: {
                  type: 'boolean',
                  description: 'false when its wind files are missing (real data without ../shared/data)',
                },
              },
              additionalProperties: false,
            },
          },
          ...errorResponses,
        },
      },
    },
    async () =>
      (await ctx.catalog.scenarios()).map(({ id, name, description, available }) => ({
        id,
        name,
        description,
        available,
      })),
  );

  app.get<{ Params: { id: string } }>(
    '/api/scenarios/:id',
    { schema: { params: NameParams, response: { 200: Scenario, ...errorResponses } } },
    async (request) => {
      const found = await ctx.catalog.scenario(request.params.id);
      if (!found)
        throw new ClientError(404, `no bundled scenario "${request.params.id}" (see GET /api/scenarios)`);
      return found.doc;
    },
  );
};
