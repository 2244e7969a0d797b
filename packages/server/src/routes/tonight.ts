import {
  bestTonightModel,
  FORECAST_MODELS,
  listStore,
  planTonight,
  runContext,
  TONIGHT_BOX,
  TONIGHT_FETCH_MODEL,
  TONIGHT_MODEL_ORDER,
  tonightBriefing,
} from '@balloon-sim/node';
import { prepareRun } from '@balloon-sim/sim-core';
import type { FastifyPluginAsync } from 'fastify';
import { type CheckedRun, checkSize } from '../checked-run.js';
import type { ServerContext } from '../context.js';
import { ClientError } from '../errors.js';
import { anyObject, errorResponses, RunInfoSchema } from '../schemas.js';

/** What a client may ask of tonight's run: no folder, no file, no scenario (the server's own). */
export const TonightRequest = {
  type: 'object',
  properties: {
    model: { type: 'string', enum: [...FORECAST_MODELS], description: 'default: the best in the store' },
    cycle: { type: 'string', pattern: '^(latest|[0-9]{10})$', description: 'latest (default) or YYYYMMDDHH' },
    night: {
      type: 'string',
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
      description: "the local date of the evening (default: tonight, by the server's clock)",
    },
    launchHours: {
      type: 'string',
      pattern: '^[0-9]{1,2}-[0-9]{1,2}$',
      description: 'local launch hours HH-HH, both included (default 18-06)',
    },
    timeZone: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'IANA zone (default Europe/Vilnius)',
    },
    members: { type: 'integer', minimum: 1, maximum: 1000, description: 'per launch point and hour' },
    seed: { type: 'integer', minimum: 0, maximum: 2 ** 32 - 1 },
    threshold: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'closure threshold, a fraction',
    },
    forecastMembers: {
      type: 'string',
      enum: ['control', 'all'],
      description: "an ensemble model's members: all (default; the briefing gives their spread) or control",
    },
    lagged: {
      type: 'integer',
      minimum: 1,
      maximum: 10,
      description: 'a lagged forecast: this cycle and the N − 1 complete ones before it',
    },
    gridOffset: { type: 'boolean', description: 'the grid-offset ensemble (27 displaced copies)' },
  },
  additionalProperties: false,
} as const;

export interface TonightBody {
  model?: string;
  cycle?: string;
  night?: string;
  launchHours?: string;
  timeZone?: string;
  members?: number;
  seed?: number;
  threshold?: number;
  forecastMembers?: 'control' | 'all';
  lagged?: number;
  gridOffset?: boolean;
}

const fetchHint = (model: string) =>
  `balloon-sim wind fetch ${model} --bbox ${TONIGHT_BOX.lonMin},${TONIGHT_BOX.latMin},${TONIGHT_BOX.lonMax},${TONIGHT_BOX.latMax}`;

/**
 * GET /api/store lists the server's forecast store (models, cycles, complete or not; names relative
 * to the store, never a path). POST /api/tonight runs tonight's border-strip scenario on the newest
 * forecast of that store — on the worker pool, within the run limits and runTimeoutMs, as any run —
 * and answers the briefing (sim-core's Briefing: the same as `balloon-sim tonight --json`).
 */
export const tonightRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const { runs, limits, options } = ctx;
  const root = options.forecastStore;

  app.get(
    '/api/store',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['order', 'best', 'models'],
            properties: {
              order: {
                type: 'array',
                items: { type: 'string' },
                description: 'the order tonight picks a model in',
              },
              best: {
                type: ['string', 'null'],
                description: 'the model tonight would use (null: none complete)',
              },
              models: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    cycles: { type: 'array', items: anyObject('a cycle: name, complete, times, steps') },
                  },
                  additionalProperties: false,
                },
              },
            },
            additionalProperties: false,
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const cycles = await listStore(root);
      const best = bestTonightModel(cycles);
      return {
        order: TONIGHT_MODEL_ORDER,
        best: best ?? null,
        models: FORECAST_MODELS.map((id) => ({
          id,
          cycles: cycles
            .filter((c) => c.model === id)
            .map((c) => ({
              cycle: c.cycle,
              folder: `${id}/${c.cycle}`,
              complete: c.index?.complete ?? false,
              referenceTime: c.index?.referenceTime ?? null,
              updated: c.index?.updated ?? null,
              steps: c.index?.steps ?? [],
              stepsWanted: c.index?.stepsWanted ?? [],
              members: c.index?.members ?? null,
              bytes: c.bytes,
              ...(c.problem ? { problem: ctx.redact(c.problem) } : {}),
            })),
        })),
      };
    },
  );

  app.post<{ Body: TonightBody }>(
    '/api/tonight',
    {
      schema: {
        body: TonightRequest,
        response: {
          200: {
            type: 'object',
            required: ['run', 'briefing'],
            properties: {
              run: RunInfoSchema,
              briefing: anyObject(
                'the briefing (sim-core Briefing), as `balloon-sim tonight --json` prints it',
              ),
            },
            additionalProperties: false,
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const cycles = await listStore(root);
      const model = body.model ?? bestTonightModel(cycles) ?? undefined;
      const held = cycles.some((c) => c.model === model && c.index?.complete);
      if (!model || ((body.cycle ?? 'latest') === 'latest' && !held))
        throw new ClientError(
          404,
          `no forecast${body.model ? ` of ${body.model}` : ''} in the server's store: fetch one with "${fetchHint(model ?? TONIGHT_FETCH_MODEL)}" into the store the server reads ($BALLOON_SIM_FORECAST_STORE)`,
        );
      const plan = await planTonight({
        ...body,
        model,
        storeRoot: root,
        fixturesDir: options.fixturesDir,
      });
      const context = await runContext(plan.scenario, plan.baseDir);
      const prepared = prepareRun(plan.scenario, plan.wind, context);
      const sim = prepared.simulation;
      const steps = Math.round(sim.durationSec / sim.dtSec);
      const size = {
        members: sim.members.count,
        steps,
        frames: 1 + Math.ceil(steps / prepared.outputEverySteps),
      };
      checkSize(size, limits, '');
      const checked: CheckedRun = {
        scenario: plan.scenario,
        baseDir: plan.baseDir,
        wind: plan.wind,
        prepared,
        context,
        targets: await ctx.catalog.targets(plan.scenario),
        ...size,
        warnings: prepared.warnings,
      };
      const gone = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableEnded) gone.abort();
      });
      const timeout = AbortSignal.timeout(limits.runTimeoutMs);
      const { info, result } = runs.submit({
        checked,
        clientId: request.ip,
        workers: limits.maxWorkersPerRun,
        signal: AbortSignal.any([gone.signal, timeout]),
      });
      try {
        const { summary } = await result;
        const briefing = tonightBriefing(plan, summary);
        return {
          run: { ...info, warnings: info.warnings.map(ctx.redact) },
          briefing: { ...briefing, warnings: briefing.warnings.map(ctx.redact) },
        };
      } catch (error) {
        if (timeout.aborted)
          throw new ClientError(503, `tonight's run stopped after runTimeoutMs = ${limits.runTimeoutMs} ms`);
        throw error;
      }
    },
  );
};
