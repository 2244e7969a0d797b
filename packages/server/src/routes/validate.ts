import { Scenario } from '@balloon-sim/sim-core';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { errorResponses } from '../schemas.js';

/** POST /api/validate: everything a run checks before it starts (schema, files, wind coverage, limits). */
export const validateRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post(
    '/api/validate',
    {
      schema: {
        body: Scenario,
        response: {
          200: {
            type: 'object',
            required: ['ok', 'members', 'steps', 'frames', 'warnings'],
            properties: {
              ok: { type: 'boolean', const: true },
              members: { type: 'integer' },
              steps: { type: 'integer' },
              frames: { type: 'integer', description: 'output frames, the launch frame included' },
              warnings: { type: 'array', items: { type: 'string' } },
            },
            additionalProperties: false,
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const checked = await ctx.check(request.body);
      return {
        ok: true,
        members: checked.members,
        steps: checked.steps,
        frames: checked.frames,
        warnings: checked.warnings.map(ctx.redact),
      };
    },
  );
};
