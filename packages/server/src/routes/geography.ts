import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { errorResponses, FeatureCollection } from '../schemas.js';

/** The bundled airspace zones and geography (fixtures/geo), for drawing the map. */
export const geographyRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    '/api/zones',
    {
      schema: {
        response: {
          200: {
            ...FeatureCollection,
            description:
              'the bundled zones (approximations, see fixtures/README.md) as zonesToGeoJson writes them',
          },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      reply.type('application/geo+json');
      return ctx.catalog.zonesGeoJson();
    },
  );

  app.get(
    '/api/geography',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['countries', 'border', 'launchStrip'],
            properties: {
              countries: { ...FeatureCollection, description: 'outlines of LT, BY, PL, LV' },
              border: {
                type: 'object',
                additionalProperties: true,
                description: 'the LT–BY border line (GeoJSON)',
              },
              launchStrip: {
                type: 'object',
                additionalProperties: true,
                description: 'the strip of Belarus 2–30 km from the border (GeoJSON)',
              },
            },
            additionalProperties: false,
          },
          ...errorResponses,
        },
      },
    },
    async () => ctx.catalog.geography(),
  );
};
