import { Scenario, ScenarioError, scenarioIssues } from '@balloon-sim/sim-core';
import { AjvCompiler } from '@fastify/ajv-compiler';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifySchemaCompiler } from 'fastify';
import { checkDepth } from './checked-run.js';
import { createContext, type ServerContext } from './context.js';
import { ClientError, errorReply } from './errors.js';
import { type AppOptions, type Limits, resolveOptions } from './options.js';
import { backtrackRoutes } from './routes/backtrack.js';
import { geographyRoutes } from './routes/geography.js';
import { healthRoutes } from './routes/health.js';
import { runRoutes } from './routes/runs.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { streamRoutes } from './routes/stream.js';
import { tonightRoutes } from './routes/tonight.js';
import { validateRoutes } from './routes/validate.js';
import { viewerRoutes } from './routes/viewer.js';
import { windRoutes } from './routes/winds.js';
import { capConnections, helmetOptions, hostRefusal } from './security.js';
import { StreamSocket } from './stream.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's state (for tests and the start script): runs, catalog, limits. */
    balloonSim: ServerContext;
  }
}

/**
 * Scenario bodies are checked by sim-core (its Ajv setup, its error paths and messages: the same as
 * the command line prints), after a depth check; every other schema by Fastify's own compiler.
 */
function validatorFactory(limits: Limits) {
  const standardFactory = AjvCompiler();
  return (externalSchemas: unknown, ajvOptions: unknown): FastifySchemaCompiler<unknown> => {
    const standard = standardFactory(
      externalSchemas as never,
      ajvOptions as never,
    ) as FastifySchemaCompiler<unknown>;
    return (route) => {
      if (route.httpPart !== 'body' || (route.schema as { title?: string })?.title !== Scenario.title)
        return standard(route);
      return (data: unknown) => {
        try {
          checkDepth(data, limits);
          const issues = scenarioIssues(data);
          return issues.length > 0 ? { error: new ScenarioError(issues) } : { value: data };
        } catch (error) {
          return { error: error as Error };
        }
      };
    };
  };
}

/**
 * The server as a Fastify instance, not listening: `app.inject()` in tests, `app.listen()` in main.ts.
 * `app.close()` tells open streams the server is shutting down, cancels every run and terminates
 * their workers.
 */
export function buildApp(options: AppOptions = {}): FastifyInstance {
  const resolved = resolveOptions(options);
  const { limits } = resolved;
  const ctx = createContext(resolved);
  // Node allows no headers timeout longer than the request timeout; 0 switches either off.
  const requestTimeout = limits.requestTimeoutMs;
  const headersTimeout =
    requestTimeout > 0 ? Math.min(limits.headersTimeoutMs, requestTimeout) : limits.headersTimeoutMs;
  const app = Fastify({
    logger: resolved.logger,
    bodyLimit: limits.bodyLimitBytes,
    // A client gets requestTimeoutMs to send a whole request, body included (then 408, closed).
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout,
      // Node looks for connections past these timeouts every 30 s by default, which would let a
      // trickling client stay that much longer; a quarter of the shorter timeout, at most 1 s.
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1000, Math.floor(Math.min(...[requestTimeout, headersTimeout].filter((t) => t > 0)) / 4)),
      ),
    },
    // Unknown fields are refused, not silently removed (Fastify's default removes them).
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
    // (Typed loosely: Fastify's types describe Ajv's compile function, not a route-aware one.)
    schemaController: { compilersFactory: { buildValidator: validatorFactory(limits) as never } },
  });
  app.decorate('balloonSim', ctx);
  ctx.log = (error) => app.log.error(error);

  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body, retryAfterSec } = errorReply(error, ctx.redact);
    if (statusCode >= 500) request.log.error(error);
    if (retryAfterSec !== undefined) reply.header('retry-after', String(retryAfterSec));
    if (statusCode === 413)
      body.error = `request body is larger than this server's limit (bodyLimitBytes = ${limits.bodyLimitBytes})`;
    reply.code(statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}` });
  });

  // Before the WebSocket plugin closes the sockets: tell each stream why, and stop every run.
  app.addHook('preClose', async () => {
    for (const stream of ctx.streams) stream.shutdown();
    await ctx.runs.close();
  });

  const refused = capConnections(app.server, limits);

  // Security headers first, so that every answer has them, refusals below included; then the
  // WebSocket plugin, whose hooks close an upgrade's socket once it is refused.
  app.register(helmet, helmetOptions);
  app.register(websocket, {
    // StreamSocket: a close frame from the client cancels its run at once (see stream.ts).
    options: { maxPayload: limits.maxMessageBytes, WebSocket: StreamSocket as never },
    // A client error on an open socket, e.g. a message over maxPayload: ws has already closed it
    // (code 1009), nothing more to do.
    errorHandler: (error) => app.log.info({ err: error }, 'websocket closed on a client error'),
  });
  app.after((error) => {
    if (error) throw error;
    app.addHook('onRequest', (request, reply, done) => {
      // A connection over maxConnectionsPerClient was answered 429 when it opened: nothing it sends is handled.
      if (refused(request.raw.socket)) {
        reply.hijack();
        request.raw.socket.destroy();
        return done();
      }
      const refusal = hostRefusal(
        request.headers.host,
        request.raw.socket?.localAddress,
        resolved.allowedHosts,
      );
      if (refusal) return done(new ClientError(403, refusal));
      done();
    });
  });

  app.register(rateLimit, {
    max: limits.rateLimitMax,
    timeWindow: limits.rateLimitWindowMs,
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new Error(
          `too many requests: limit rateLimitMax = ${limits.rateLimitMax} per ${limits.rateLimitWindowMs} ms; retry in ${context.after}`,
        ),
        { statusCode: context.statusCode },
      ),
  });
  for (const routes of [
    healthRoutes,
    scenarioRoutes,
    windRoutes,
    geographyRoutes,
    validateRoutes,
    backtrackRoutes,
    runRoutes,
    tonightRoutes,
    streamRoutes,
    viewerRoutes,
  ])
    app.register(routes, { ctx });
  return app;
}
