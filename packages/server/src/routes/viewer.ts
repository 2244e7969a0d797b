import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { hasDir } from '../options.js';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>balloon-sim server</title></head>
<body>
<h1>balloon-sim server</h1>
<p>The viewer is not built (packages/viewer/dist is missing). The API is up:
<a href="/api/health">/api/health</a>, <a href="/api/scenarios">/api/scenarios</a>,
<a href="/api/winds">/api/winds</a>, <a href="/api/zones">/api/zones</a>; runs stream over the
WebSocket <code>/api/stream</code> (see packages/server/README.md).</p>
</body></html>
`;

/** The built viewer at /, or a page saying it is not built and pointing to the API. */
export const viewerRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const dir = ctx.options.viewerDir;
  if (hasDir(dir)) {
    await app.register(fastifyStatic, { root: dir, prefix: '/' });
    return;
  }
  app.get('/', { schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(NOT_BUILT),
  );
};
