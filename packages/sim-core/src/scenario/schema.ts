import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * The scenario document: one JSON shape used everywhere (command line, server, viewer, tests).
 * Defined with TypeBox so the JSON Schema and the TypeScript type come from one source; validated
 * with Ajv (see validate.ts). Every object refuses unknown fields.
 */

const strictObject = <T extends Parameters<typeof Type.Object>[0]>(
  properties: T,
  options: { description?: string; title?: string } = {},
) => Type.Object(properties, { additionalProperties: false, ...options });

const Lon = Type.Number({ minimum: -180, maximum: 360, description: 'longitude, degrees east' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'latitude, degrees north' });
const IsoTime = Type.String({
  format: 'date-time',
  description: 'ISO 8601 date-time with a time zone, e.g. 2025-10-24T19:00:00Z',
});
const Positive = (description: string) => Type.Number({ exclusiveMinimum: 0, description });
const NonNegative = (description: string) => Type.Number({ minimum: 0, description });

/** A discriminated union on `type`: Ajv reports errors of the variant the `type` names. */
function tagged<T extends TSchema[]>(variants: [...T], description: string) {
  return Type.Unsafe<Static<T[number]>>({
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: variants,
    description,
  });
}

export const UniformWindSource = strictObject(
  {
    type: Type.Literal('uniform'),
    uMps: Type.Number({ description: 'eastward wind, m/s' }),
    vMps: Type.Number({ description: 'northward wind, m/s' }),
  },
  { description: 'the same wind everywhere' },
);

export const ShearWindSource = strictObject(
  {
    type: Type.Literal('shear'),
    u0Mps: Type.Number({ description: 'eastward wind at sea level, m/s' }),
    v0Mps: Type.Number({ description: 'northward wind at sea level, m/s' }),
    duDzPerSec: Type.Number({ description: 'increase of u with altitude, (m/s)/m' }),
    dvDzPerSec: Type.Number({ description: 'increase of v with altitude, (m/s)/m' }),
  },
  { description: 'wind changing linearly with altitude' },
);

export const RotationWindSource = strictObject(
  {
    type: Type.Literal('rotation'),
    centerLon: Lon,
    centerLat: Lat,
    periodSec: Type.Number({ description: 'time of one turn, s (negative: clockwise)' }),
  },
  { description: 'solid-body rotation about a point' },
);

export const OscillatingWindSource = strictObject(
  {
    type: Type.Literal('oscillating'),
    u0Mps: Type.Number({ description: 'mean eastward wind, m/s' }),
    v0Mps: Type.Number({ description: 'mean northward wind, m/s' }),
    amplitudeMps: NonNegative('amplitude of the turning component, m/s'),
    periodSec: Positive('period of one turn, s'),
    epoch: Type.Optional(IsoTime),
  },
  { description: 'a mean wind plus a component turning in time' },
);

export const SoundingWindSource = strictObject(
  {
    type: Type.Literal('sounding'),
    levels: Type.Array(
      strictObject({
        altM: Type.Number({ description: 'altitude above mean sea level, m' }),
        directionDeg: Type.Number({ minimum: 0, maximum: 360, description: 'direction the wind blows from' }),
        speedMps: NonNegative('wind speed, m/s'),
      }),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { description: 'a horizontally uniform profile from a sounding' },
);

export const FileWindSource = strictObject(
  {
    type: Type.Literal('file'),
    paths: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
      minItems: 1,
      maxItems: 1000,
      description: 'wind files, relative to the scenario file; several for several forecast steps',
    }),
    format: Type.Optional(
      Type.Union(
        [
          Type.Literal('grib2'),
          Type.Literal('netcdf'),
          Type.Literal('grib2json'),
          Type.Literal('open-meteo'),
          Type.Literal('wyoming'),
          Type.Literal('grid-json'),
        ],
        { description: 'file format; detected from the content when absent' },
      ),
    ),
    bbox: Type.Optional(
      strictObject(
        { lonMin: Lon, lonMax: Lon, latMin: Lat, latMax: Lat },
        {
          description: 'keep only this region of the files (degrees): a global file then costs little memory',
        },
      ),
    ),
    levelType: Type.Optional(
      Type.Union(
        [Type.Literal('isobaric'), Type.Literal('height-above-sea'), Type.Literal('height-above-ground')],
        {
          description: 'which levels to take the wind from when a file holds several kinds',
        },
      ),
    ),
    mixedRuns: Type.Optional(
      Type.Union([Type.Literal('refuse'), Type.Literal('allow')], {
        description:
          'files of different forecast runs (reference times): refused by default, since their times would be interpolated across runs as one forecast; "allow" merges them with a warning',
      }),
    ),
  },
  { description: 'wind read from files' },
);

export const WindSource = tagged(
  [
    UniformWindSource,
    ShearWindSource,
    RotationWindSource,
    OscillatingWindSource,
    SoundingWindSource,
    FileWindSource,
  ],
  'where the wind comes from',
);

export const LaunchSite = strictObject({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'short identifier' }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  lon: Lon,
  lat: Lat,
  altM: Type.Optional(
    Type.Number({ description: 'launch altitude above mean sea level, m; default: the ground' }),
  ),
});

export const LaunchArea = strictObject(
  {
    file: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'GeoJSON (Multi)Polygon file, relative to the scenario',
      }),
    ),
    bundled: Type.Optional(
      Type.Literal('by-border-strip', {
        description: 'the bundled strip 2–30 km inside Belarus along the LT border',
      }),
    ),
    points: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      description: 'launch points sampled uniformly in the area',
    }),
    seed: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: 'sampling seed (default 1)' }),
    ),
  },
  { description: 'launch points sampled in an area (one of file or bundled)' },
);

export const Launch = strictObject({
  sites: Type.Optional(Type.Array(LaunchSite, { minItems: 1, maxItems: 10_000 })),
  area: Type.Optional(LaunchArea),
  times: strictObject(
    {
      start: IsoTime,
      end: Type.Optional(IsoTime),
      everySec: Type.Optional(Positive('interval between launches from start to end, s')),
    },
    { description: 'launch times: start, or start to end every everySec' },
  ),
});

export const Flight = strictObject(
  {
    ascentRateMps: Type.Optional(Positive('ascent rate, m/s; absent: the balloon starts floating')),
    floatAltitudeM: Type.Optional(Type.Number({ description: 'float altitude above mean sea level, m' })),
    floatPressureHpa: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1100, description: 'float on this pressure level, hPa' }),
    ),
    floatDurationSec: Type.Optional(NonNegative('time afloat before descent, s; absent: floats to the end')),
    burstAltitudeM: Type.Optional(Type.Number({ description: 'burst altitude during ascent, m' })),
    descentRateMps: Type.Optional(Positive('descent speed at sea level, m/s (faster aloft: ∝ 1/√density)')),
    releaseAfterSec: Type.Optional(NonNegative('payload released this long after launch, s')),
  },
  { description: 'vertical motion of the balloon' },
);

export const Solver = strictObject({
  method: Type.Optional(Type.Union([Type.Literal('euler'), Type.Literal('heun'), Type.Literal('rk4')])),
  dtSec: Type.Optional(Positive('time step, s (default 60)')),
  durationSec: Positive('length of the run from the first launch, s'),
  direction: Type.Optional(Type.Union([Type.Literal('forward'), Type.Literal('backward')])),
});

export const Perturbations = strictObject(
  {
    positionM: Type.Optional(NonNegative('standard deviation of the launch position, m (each axis)')),
    launchTimeSec: Type.Optional(NonNegative('standard deviation of the launch time, s')),
    floatAltitudeM: Type.Optional(NonNegative('standard deviation of the float altitude, m')),
    floatPressureHpa: Type.Optional(NonNegative('standard deviation of the float pressure, hPa')),
    ascentRateFraction: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 0.9,
        description: 'relative standard deviation of the ascent rate',
      }),
    ),
    descentRateFraction: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 0.9,
        description: 'relative standard deviation of the descent rate',
      }),
    ),
    windSigmaMps: Type.Optional(NonNegative('stochastic wind error: standard deviation per component, m/s')),
    windCorrelationSec: Type.Optional(Positive('stochastic wind error: correlation time, s (default 3600)')),
  },
  { description: 'how ensemble members differ' },
);

export const Ensemble = strictObject({
  members: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      description: 'members per site and launch time (default 1)',
    }),
  ),
  seed: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: 'random seed (default 1)' }),
  ),
  perturb: Type.Optional(Perturbations),
});

export const Output = strictObject({
  intervalSec: Type.Optional(Positive('track output interval, s; a whole number of steps (default 600)')),
});

export const Scenario = strictObject(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    wind: WindSource,
    launch: Launch,
    flight: Flight,
    solver: Solver,
    ensemble: Type.Optional(Ensemble),
    output: Type.Optional(Output),
    zones: Type.Optional(
      strictObject(
        {
          files: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
              maxItems: 100,
              description: 'airspace files (GeoJSON or OpenAir), relative to the scenario file',
            }),
          ),
          bundled: Type.Optional(
            Type.Boolean({
              description: 'include the bundled EYVI/EYKA/border approximations (default true)',
            }),
          ),
        },
        { description: 'airspace zones the run is analysed against' },
      ),
    ),
    groundElevationM: Type.Optional(
      Type.Number({
        description: 'ground elevation, m AMSL, where the wind carries no orography (default 0)',
      }),
    ),
  },
  {
    title: 'balloon-sim scenario',
    description: 'One simulation run: wind, launches, flight, solver, ensemble.',
  },
);

export type Scenario = Static<typeof Scenario>;
export type WindSource = Static<typeof WindSource>;
export type LaunchSite = Static<typeof LaunchSite>;
export type LaunchArea = Static<typeof LaunchArea>;
export type Flight = Static<typeof Flight>;
export type Perturbations = Static<typeof Perturbations>;
