import { InputError } from '../errors.js';
import {
  LinearShearWind,
  OscillatingWind,
  SolidBodyRotationWind,
  SoundingWind,
  UniformWind,
} from '../wind/analytic.js';
import { forecastWind } from '../wind/forecast-members.js';
import type { WindField } from '../wind/wind-field.js';
import type { WindSource } from './schema.js';

/**
 * Builds the wind field of an analytic source (an ensemble of analytic sources: its members). File sources need reading, which the core leaves to
 * its caller (`loadScenarioWind` in `@balloon-sim/sim-core/node`, the server, or a browser upload).
 */
export function analyticWind(source: WindSource): WindField {
  switch (source.type) {
    case 'uniform':
      return new UniformWind(source.uMps, source.vMps);
    case 'shear':
      return new LinearShearWind(source.u0Mps, source.v0Mps, source.duDzPerSec, source.dvDzPerSec);
    case 'rotation':
      return new SolidBodyRotationWind(source.centerLon, source.centerLat, source.periodSec);
    case 'oscillating':
      return new OscillatingWind(
        source.u0Mps,
        source.v0Mps,
        source.amplitudeMps,
        source.periodSec,
        source.epoch ? Date.parse(source.epoch) / 1000 : 0,
      );
    case 'sounding':
      return new SoundingWind(source.levels, `sounding profile of ${source.levels.length} levels`);
    case 'ensemble':
      return forecastWind(
        source.members.map((member, k) => {
          const field = analyticWind(member);
          return { label: `${k}: ${field.description}`, weight: source.weights?.[k] ?? 1, field };
        }),
      );
    case 'file':
    case 'forecast':
      throw new InputError(
        `wind.type "${source.type}" must be read by the caller: pass a wind field (e.g. from loadScenarioWind in @balloon-sim/node)`,
        'wind',
        source,
      );
  }
}
