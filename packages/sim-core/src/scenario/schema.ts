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
/*
 * Every physical quantity has a plausible range, so that a typo (1e307 for 3) is refused with its
 * path instead of running into infinities and NaN positions. The reason for each bound is beside it.
 */
/** 1900: before any reanalysis wind; 2200: beyond any forecast or climate run. */
const IsoTime = Type.String({
  format: 'date-time',
  formatMinimum: '1900-01-01T00:00:00Z',
  formatMaximum: '2200-01-01T00:00:00Z',
  description: 'ISO 8601 date-time with a time zone, e.g. 2025-10-24T19:00:00Z (1900 to 2200)',
});
/** Wind components, m/s: the strongest jet streams reach ≈ 110 m/s; 200 leaves room for made-up fields. */
const WindMps = (description: string) => Type.Number({ minimum: -200, maximum: 200, description });
/** Altitudes, m AMSL: the Dead Sea shore is at −430 m; latex balloons burst below 50 km (record ≈ 53 km). */
const AltitudeM = (description: string) => Type.Number({ minimum: -500, maximum: 50_000, description });
/** Durations, s: 30 days is longer than any flight this tool models and than any forecast (16 days). */
const DAYS_30_SEC = 30 * 86_400;
const Positive = (description: string, maximum: number) =>
  Type.Number({ exclusiveMinimum: 0, maximum, description });
const NonNegative = (description: string, maximum: number) =>
  Type.Number({ minimum: 0, maximum, description });

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
    uMps: WindMps('eastward wind, m/s'),
    vMps: WindMps('northward wind, m/s'),
  },
  { description: 'the same wind everywhere' },
);

export const ShearWindSource = strictObject(
  {
    type: Type.Literal('shear'),
    u0Mps: WindMps('eastward wind at sea level, m/s'),
    v0Mps: WindMps('northward wind at sea level, m/s'),
    // Real shear is below 0.01 (m/s)/m even in jet streams; 0.05 keeps |u| under ≈ 2500 m/s at 50 km.
    duDzPerSec: Type.Number({
      minimum: -0.05,
      maximum: 0.05,
      description: 'increase of u with altitude, (m/s)/m',
    }),
    dvDzPerSec: Type.Number({
      minimum: -0.05,
      maximum: 0.05,
      description: 'increase of v with altitude, (m/s)/m',
    }),
  },
  { description: 'wind changing linearly with altitude' },
);

export const RotationWindSource = strictObject(
  {
    type: Type.Literal('rotation'),
    centerLon: Lon,
    centerLat: Lat,
    // At least an hour either way: one turn an hour already moves a point 100 km from the centre at
    // 175 m/s; zero would be an infinite speed. At most ≈ 30 years, beyond which it is still air.
    periodSec: Type.Number({
      minimum: -1e9,
      maximum: 1e9,
      not: { exclusiveMinimum: -3600, exclusiveMaximum: 3600 },
      description: 'time of one turn, s (negative: clockwise); at least 3600 s either way',
    }),
  },
  { description: 'solid-body rotation about a point' },
);

export const OscillatingWindSource = strictObject(
  {
    type: Type.Literal('oscillating'),
    u0Mps: WindMps('mean eastward wind, m/s'),
    v0Mps: WindMps('mean northward wind, m/s'),
    amplitudeMps: NonNegative('amplitude of the turning component, m/s', 200),
    // A minute: a turn faster than the solver's steps (≥ 1 s) could resolve is no longer a wind.
    periodSec: Type.Number({ minimum: 60, maximum: 1e9, description: 'period of one turn, s' }),
    epoch: Type.Optional(IsoTime),
  },
  { description: 'a mean wind plus a component turning in time' },
);

export const SoundingWindSource = strictObject(
  {
    type: Type.Literal('sounding'),
    levels: Type.Array(
      strictObject({
        altM: AltitudeM('altitude above mean sea level, m'),
        directionDeg: Type.Number({ minimum: 0, maximum: 360, description: 'direction the wind blows from' }),
        speedMps: NonNegative('wind speed, m/s', 200),
      }),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { description: 'a horizontally uniform profile from a sounding' },
);

/** Which members of a multi-member file or cycle (an ensemble forecast) fly: all, or these numbers. */
const WindMembers = Type.Optional(
  Type.Union(
    [
      Type.Literal('all'),
      Type.Array(Type.Integer({ minimum: 0, maximum: 1000 }), {
        minItems: 1,
        maxItems: 1000,
        uniqueItems: true,
      }),
    ],
    {
      description:
        'fly several members of an ensemble forecast (members told apart by their number, 0 the control): "all", or a list of numbers; each trajectory member flies one of them, evenly (see ensemble.members)',
    },
  ),
);

/** HYSPLIT's grid-offset ensemble of one deterministic field (see sim-core wind/grid-offset.ts). */
const GridOffset = Type.Optional(
  Type.Boolean({
    description:
      "the wind as 27 members: the field displaced by -1, 0 and +1 grid cell in longitude and latitude and by -250, 0 and +250 m in altitude (HYSPLIT's meteorological-grid ensemble), for when only one deterministic forecast is at hand",
  }),
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
    members: WindMembers,
    gridOffset: GridOffset,
  },
  { description: 'wind read from files' },
);

/**
 * A forecast cycle of the local forecast store (`balloon-sim wind fetch <model>` fills it): the Node
 * package resolves it to the cycle's files. The model names are those of the store's folders.
 */
export const ForecastWindSource = strictObject(
  {
    type: Type.Literal('forecast'),
    model: Type.Union(
      [
        Type.Literal('ecmwf-hres'),
        Type.Literal('ecmwf-ens'),
        Type.Literal('icon-eu'),
        Type.Literal('gefs'),
        Type.Literal('gfs'),
      ],
      { description: 'the forecast model, as `balloon-sim wind fetch <model>` names it' },
    ),
    cycle: Type.String({
      pattern: '^(latest|[0-9]{10})$',
      description:
        'the cycle: "latest" (the newest complete cycle in the store) or its start YYYYMMDDHH (UTC)',
    }),
    store: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description:
          'the store folder, relative to the scenario file; default $BALLOON_SIM_FORECAST_STORE, else the user cache (~/.cache/balloon-sim/forecasts)',
      }),
    ),
    member: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        description:
          'for an ensemble (ecmwf-ens, gefs): the member to fly in (0 the control); required when the cycle holds several (or members)',
      }),
    ),
    members: WindMembers,
    // A cycle a day back for 6-hourly models at 5; 20 cycles reach back 5 days, older than any useful forecast.
    lagged: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 20,
        description:
          'a lagged ensemble: this cycle and the N − 1 complete cycles of the model before it in the store, each a member (equal weights)',
      }),
    ),
    gridOffset: GridOffset,
  },
  { description: 'wind from a forecast cycle of the local forecast store' },
);

/** A wind source that can be a member of an ensemble: every kind but an ensemble itself. */
export const MemberWindSource = tagged(
  [
    UniformWindSource,
    ShearWindSource,
    RotationWindSource,
    OscillatingWindSource,
    SoundingWindSource,
    FileWindSource,
    ForecastWindSource,
  ],
  'a wind source of the ensemble',
);

/**
 * Several wind sources flown as forecast members: a multi-model ensemble (GFS, ECMWF, ICON), a lagged
 * ensemble of explicit cycles, or any mix. A source that is itself several members (members "all",
 * lagged, gridOffset) shares its weight evenly among them.
 */
export const EnsembleWindSource = strictObject(
  {
    type: Type.Literal('ensemble'),
    members: Type.Array(MemberWindSource, {
      minItems: 2,
      maxItems: 100,
      description: 'the sources, each one or more forecast members',
    }),
    weights: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1e6 }), {
        minItems: 2,
        maxItems: 100,
        description:
          "each source's share of the trajectory members (relative; default equal), one per source in members' order",
      }),
    ),
  },
  { description: 'several winds as forecast members: each trajectory member flies one of them' },
);

export const WindSource = tagged(
  [
    UniformWindSource,
    ShearWindSource,
    RotationWindSource,
    OscillatingWindSource,
    SoundingWindSource,
    FileWindSource,
    ForecastWindSource,
    EnsembleWindSource,
  ],
  'where the wind comes from',
);

export const LaunchSite = strictObject({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'short identifier' }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  lon: Lon,
  lat: Lat,
  altM: Type.Optional(
    AltitudeM(
      'launch altitude above mean sea level, m (backward runs: where it was seen); default: the ground',
    ),
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
      // A second: closer launches are one launch; a year: the launch window is bounded by the times' range.
      everySec: Type.Optional(
        Type.Number({
          minimum: 1,
          maximum: 366 * 86_400,
          description: 'interval between launches from start to end, s',
        }),
      ),
    },
    { description: 'launch times: start, or start to end every everySec' },
  ),
});

export const Flight = strictObject(
  {
    // Latex balloons rise at 1–8 m/s; 50 m/s is beyond any balloon.
    ascentRateMps: Type.Optional(Positive('ascent rate, m/s; absent: the balloon starts floating', 50)),
    floatAltitudeM: Type.Optional(AltitudeM('float altitude above mean sea level, m')),
    // A fan for an unknown float altitude (reported 1–5 km): 20 altitudes or bands is finer than any
    // report (200 m over 4 km), and a summary table of more would say no more.
    floatAltitudesM: Type.Optional(
      Type.Array(AltitudeM('a float altitude of the fan, m AMSL'), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
        description:
          "float-altitude fan: each launch's members spread evenly over these altitudes (member number mod their count), risk reported per altitude; instead of floatAltitudeM",
      }),
    ),
    floatAltitudeRangeM: Type.Optional(
      strictObject(
        {
          minM: AltitudeM('lowest float altitude of the fan, m AMSL'),
          maxM: AltitudeM('highest float altitude of the fan, m AMSL'),
          bands: Type.Integer({
            minimum: 1,
            maximum: 20,
            description: 'equal bands the range is cut into; risk is reported per band',
          }),
        },
        {
          description:
            "float-altitude fan over a range: each launch's members spread evenly over [minM, maxM] (band = member number mod bands, evenly within its band); instead of floatAltitudeM",
        },
      ),
    ),
    floatPressureHpa: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1100, description: 'float on this pressure level, hPa' }),
    ),
    floatDurationSec: Type.Optional(
      NonNegative('time afloat before descent, s; absent: floats to the end', DAYS_30_SEC),
    ),
    burstAltitudeM: Type.Optional(AltitudeM('burst altitude during ascent, m')),
    // Payloads under a parachute land at 3–10 m/s, a free-falling one at a few tens; 100 m/s is
    // beyond both (aloft the speed grows as 1/√density, ≈ 10× at 30 km).
    descentRateMps: Type.Optional(
      Positive('descent speed at sea level, m/s (faster aloft: ∝ 1/√density)', 100),
    ),
    releaseAfterSec: Type.Optional(NonNegative('payload released this long after launch, s', DAYS_30_SEC)),
  },
  { description: 'vertical motion of the balloon' },
);

export const Solver = strictObject({
  method: Type.Optional(Type.Union([Type.Literal('euler'), Type.Literal('heun'), Type.Literal('rk4')])),
  // 1 s is finer than any wind data resolve (grids of kilometres and hours); an hour is the coarsest
  // step that still follows a wind changing every few hours.
  dtSec: Type.Optional(Type.Number({ minimum: 1, maximum: 3600, description: 'time step, s (default 60)' })),
  durationSec: Positive('length of the run from the first launch, s (at most 30 days)', DAYS_30_SEC),
  direction: Type.Optional(Type.Union([Type.Literal('forward'), Type.Literal('backward')])),
});

export const Perturbations = strictObject(
  {
    // 100 km: a wider spread is no longer one launch site. A day: the same for a launch time.
    positionM: Type.Optional(
      NonNegative('standard deviation of the launch position, m (each axis)', 100_000),
    ),
    launchTimeSec: Type.Optional(NonNegative('standard deviation of the launch time, s', 86_400)),
    // 10 km of altitude, 500 hPa: half the layer balloons fly in either way.
    floatAltitudeM: Type.Optional(NonNegative('standard deviation of the float altitude, m', 10_000)),
    floatPressureHpa: Type.Optional(NonNegative('standard deviation of the float pressure, hPa', 500)),
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
    // Forecast wind errors are a few m/s; 50 m/s is a jet stream's whole speed.
    windSigmaMps: Type.Optional(
      NonNegative('stochastic wind error: standard deviation per component, m/s', 50),
    ),
    windCorrelationSec: Type.Optional(
      Type.Number({
        minimum: 1,
        maximum: DAYS_30_SEC,
        description: 'stochastic wind error: correlation time, s (default 3600)',
      }),
    ),
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
  // At most a day: a track with fewer points says nothing of its path.
  intervalSec: Type.Optional(
    Positive('track output interval, s; a whole number of steps (default 600)', 86_400),
  ),
  // Checked against Intl's zones in validate.ts (a schema cannot list them: they change with tzdata).
  timeZone: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        'IANA time zone of the local times text outputs show beside UTC (default Europe/Vilnius); JSON outputs keep UTC',
    }),
  ),
});

export const Analysis = strictObject(
  {
    // A probability: 0 is excluded, since P(inside) ≥ 0 always holds and the zone would never open.
    closureThreshold: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description:
          'P(an airborne member is inside) at or above which a zone is to be closed: the threshold closure window (default 0.01)',
      }),
    ),
    // As the analytic winds' bound: no wind carries a balloon faster than 200 m/s.
    maxDriftSpeedMps: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 200,
        description:
          "fastest drift, m/s, of a member after it left the wind's coverage: which zones it could still reach (default 1.5 × the fastest wind in the data, at least 20 m/s)",
      }),
    ),
  },
  { description: 'how the run is analysed: closure threshold, members that leave the wind' },
);

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
    analysis: Type.Optional(Analysis),
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
    // The Dead Sea shore (−430 m) to the top of Everest (8849 m).
    groundElevationM: Type.Optional(
      Type.Number({
        minimum: -500,
        maximum: 9000,
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
export type ForecastWindSource = Static<typeof ForecastWindSource>;
export type FileWindSource = Static<typeof FileWindSource>;
export type MemberWindSource = Static<typeof MemberWindSource>;
export type EnsembleWindSource = Static<typeof EnsembleWindSource>;
export type LaunchSite = Static<typeof LaunchSite>;
export type LaunchArea = Static<typeof LaunchArea>;
export type Flight = Static<typeof Flight>;
export type Perturbations = Static<typeof Perturbations>;
export type Analysis = Static<typeof Analysis>;
