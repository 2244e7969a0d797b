import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { ClientError } from '../errors.js';
import { originRefusal } from '../security.js';
import { StreamSession } from '../stream.js';

/** GET /api/stream (WebSocket): run scenarios and receive their frames as they are computed (see README). */
export const streamRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    '/api/stream',
    {
      websocket: true,
      schema: { querystring: { type: 'object', additionalProperties: false } },
      // Before the upgrade: a page of another site in the user's browser may not start runs here.
      onRequest: (request, _reply, done) => {
        const refusal = originRefusal(
          request.headers.origin,
          request.headers.host,
          ctx.options.allowedOrigins,
        );
        done(refusal ? new ClientError(403, refusal) : undefined);
      },
    },
    (socket, request) => {
      // Handlers attached synchronously, so no early message is lost.
      const session = new StreamSession(socket, request.ip, ctx);
      ctx.streams.add(session);
      socket.on('message', (data, isBinary) => session.onMessage(data, isBinary));
      // A close frame stops the run at once; `close` (the TCP connection gone) may come much later.
      socket.on('closing', () => session.onClose());
      socket.on('close', () => {
        session.onClose();
        ctx.streams.delete(session);
      });
    },
  );
};
