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

/** A centre's name from code table C-11, or null when it is not one listed above. */
export function knownCentre(code: number): string | null {
  return CENTRES[code] ?? null;
}

/** Code table 1.3, production status of processed data. */
const PRODUCTION_STATUS: Record<number, string> = {
  0: 'operational products',
  1: 'operational test products',
  2: 'research products',
  3: 're-analysis products',
};

/** Code table 1.4, type of processed data. */
const DATA_TYPES: Record<number, string> = {
  0: 'analysis products',
  1: 'forecast products',
  2: 'analysis and forecast products',
  3: 'control forecast products',
  4: 'perturbed forecast products',
  5: 'control and perturbed forecast products',
};

/** Code table 4.3, type of generating process. */
const GENERATING_PROCESSES: Record<number, string> = {
  0: 'analysis',
  1: 'initialization',
  2: 'forecast',
  3: 'bias corrected forecast',
  4: 'ensemble forecast',
  5: 'probability forecast',
  6: 'forecast error',
  7: 'analysis error',
  8: 'observation',
};

/**
 * Models by centre and analysis or forecast generating process identifier (section 4 octet 14),
 * from the centres' own tables; only NCEP's is public and stable enough to list (ON388 table A).
 */
const MODELS: Record<string, string> = {
  '7/81': 'GFS analysis',
  '7/82': 'GDAS analysis',
  '7/96': 'GFS',
};

export const productionStatusName = (code: number): string | null => PRODUCTION_STATUS[code] ?? null;
export const dataTypeName = (code: number): string | null => DATA_TYPES[code] ?? null;
export const generatingProcessName = (code: number): string | null => GENERATING_PROCESSES[code] ?? null;
export const modelName = (centre: number, id: number): string | null => MODELS[`${centre}/${id}`] ?? null;
