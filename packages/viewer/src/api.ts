/// <reference lib="dom" />
/**
 * The REST side of the server (see packages/server/README.md): small typed fetch helpers whose
 * failures carry the server's message and issue list, so the page can show them in its banner.
 */
import type { FeatureCollection, Geometry } from 'geojson';

/** One problem of a request, with its JSON path (`flight.floatAltitudeM`), as the server lists them. */
export interface Issue {
  path: string;
  message: string;
  /** The field's name as the page labels it ("Members per launch"), for problems found in the page. */
  field?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

async function parse<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A proxy or a crashed server answers HTML or nothing: say what was asked and the status.
  }
  if (!response.ok) {
    const error = body as { error?: string; issues?: Issue[] } | null;
    throw new ApiError(
      `${what}: ${error?.error ?? `HTTP ${response.status} ${response.statusText}`}`,
      response.status,
      error?.issues ?? [],
    );
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError(`GET ${path}: the server does not answer`, 0);
  }
  return parse<T>(response, `GET ${path.split('?')[0]}`);
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(`POST ${path}: the server does not answer`, 0);
  }
  return parse<T>(response, `POST ${path}`);
}

// ---- shapes the server answers (only the fields the viewer reads) ----

export interface ScenarioListItem {
  id: string;
  name: string;
  description: string;
  available: boolean;
}

export interface WindListItem {
  id: string;
  files: string[];
  scenarios: string[];
  /** The `wind` of a scenario that runs on it. */
  source: Record<string, unknown>;
}

export interface WindMeta extends WindListItem {
  description: string;
  coverage: {
    lonMin: number;
    lonMax: number;
    latMin: number;
    latMax: number;
    altMinM: number;
    altMaxM: number;
  };
  levels: { kind: 'pressure' | 'altitude'; values: number[] } | null;
  times: string[];
  grid: { lon0: number; lat0: number; dLon: number; dLat: number; nx: number; ny: number } | null;
}

export interface WindGrid {
  lon0: number;
  lat0: number;
  dLon: number;
  dLat: number;
  nx: number;
  ny: number;
  time: string;
  level?: number;
  altM?: number;
  /** Eastward and northward wind, m/s, index j·nx + i. */
  u: number[];
  v: number[];
}

export interface ZoneProperties {
  id: string;
  name: string;
  kind: string;
  lowerM: number;
  /** 'UNL' (unlimited) when the zone has no upper limit. */
  upperM: number | 'UNL' | null;
  approximate?: boolean;
  airport?: { icao: string; lon: number; lat: number };
}

export type Zones = FeatureCollection<Geometry, ZoneProperties>;

export interface Geography {
  countries: FeatureCollection<Geometry, { id: string; name: string }>;
  border: GeoJSON.Feature;
  launchStrip: GeoJSON.Feature;
}
