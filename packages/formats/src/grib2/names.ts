/**
 * Names for codes, for summaries and descriptions. Short names follow ecCodes' (the reference CSVs
 * use them); anything not listed is "unknown", as ecCodes says.
 */

/** Code table 4.5 (fixed surface types) → name used in field summaries. */
const LEVEL_TYPES: Record<number, string> = {
  1: 'surface',
  2: 'cloud-base',
  3: 'cloud-top',
  4: 'isotherm-0C',
  6: 'max-wind',
  7: 'tropopause',
  8: 'top-of-atmosphere',
  100: 'isobaric',
  101: 'mean-sea-level',
  102: 'height-above-sea',
  103: 'height-above-ground',
  104: 'sigma',
  105: 'hybrid',
  106: 'depth-below-land',
  108: 'pressure-from-ground',
  109: 'potential-vorticity',
  200: 'entire-atmosphere',
};

export function levelTypeName(code: number): string {
  return LEVEL_TYPES[code] ?? `type-${code}`;
}

/** Discipline 0 (meteorological), key `category/number` (code tables 4.1, 4.2). */
const METEO_NAMES: Record<string, string> = {
  '0/0': 't',
  '0/2': 'pt',
  '0/6': 'dpt',
  '1/0': 'q',
  '1/1': 'r',
  '1/3': 'pwat',
  '1/8': 'tp',
  '1/22': 'clwmr',
  '2/0': 'wdir',
  '2/1': 'ws',
  '2/2': 'u',
  '2/3': 'v',
  '2/8': 'w',
  '2/10': 'absv',
  '2/22': 'gust',
  '3/0': 'pres',
  '3/1': 'prmsl',
  '3/4': 'z',
  '3/5': 'gh',
  '6/1': 'tcc',
  '7/6': 'cape',
  '7/7': 'cin',
};

/** ecCodes names some parameters by their level: 10 m wind is "10u", 2 m temperature "2t". */
const NAMES_ABOVE_GROUND: Record<string, string> = {
  'u@10': '10u',
  'v@10': '10v',
  'u@100': '100u',
  'v@100': '100v',
  't@2': '2t',
  'dpt@2': '2d',
  'r@2': '2r',
};

export function shortName(
  discipline: number,
  category: number,
  number: number,
  levelTypeCode: number,
  level: number,
): string {
  if (discipline !== 0) return 'unknown';
  const name = METEO_NAMES[`${category}/${number}`];
  if (name === undefined) return 'unknown';
  if (levelTypeCode === 103) return NAMES_ABOVE_GROUND[`${name}@${level}`] ?? name;
  if (levelTypeCode === 1 && name === 'gh') return 'orog';
  if (levelTypeCode === 1 && name === 'pres') return 'sp';
  return name;
}

/** Common code table C-11 (originating centres), the ones likely to be met here. */
const CENTRES: Record<number, string> = {
  7: 'NCEP',
  34: 'JMA',
  54: 'CMC',
  74: 'UK Met Office',
  78: 'DWD',
  85: 'Météo-France',
  98: 'ECMWF',
};

export function centreName(code: number): string {
  return CENTRES[code] ?? `centre ${code}`;
}
