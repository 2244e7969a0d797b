/**
 * A decoded wind shared between threads without copying: its grids' node arrays live in
 * SharedArrayBuffers, and a worker builds its field over them (sim-core's `gridWind` from a field's
 * parts) instead of reading and decoding the files again. A command line's N workers then hold one
 * copy of the grid between them, not N, and none of them decodes.
 */
import {
  ForecastEnsemble,
  type ForecastMember,
  forecastWind,
  type GridWindParts,
  gridWind,
  OffsetWind,
  type WindField,
} from '@balloon-sim/sim-core';

/** How a wind's fields are put together, each grid named by its index in SharedWind.grids. */
export type SharedWindNode =
  | { kind: 'grid'; grid: number }
  | { kind: 'offset'; base: SharedWindNode; dLonDeg: number; dLatDeg: number; dAltM: number }
  | { kind: 'members'; members: { label: string; weight: number; field: SharedWindNode }[] };

/**
 * A wind as it crosses to a worker (structured clone: the SharedArrayBuffers are shared, the rest is
 * small). Grids are listed once each, so that fields built on one grid (a grid offset's 27 members)
 * share one field in the worker as they do here.
 */
export interface SharedWind {
  /** Names this wind in this process: a worker keeps the field it built for the id. */
  id: number;
  grids: GridWindParts[];
  root: SharedWindNode;
}

type GridField = ReturnType<typeof gridWind>;

const isGrid = (field: WindField): field is GridField =>
  typeof (field as Partial<GridField>).gridParts === 'function';

const sharedCopy = (array: Float32Array): Float32Array => {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = new Float32Array(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
};

/** A grid's parts with its node arrays in SharedArrayBuffers (copied once where they are not). */
function sharedParts(parts: GridWindParts): GridWindParts {
  const { uv, gh, orography } = parts.grid;
  return {
    ...parts,
    grid: {
      ...parts.grid,
      uv: sharedCopy(uv),
      gh: gh && sharedCopy(gh),
      orography: orography && sharedCopy(orography),
    },
  };
}

/**
 * The same wind with every grid field rebuilt over SharedArrayBuffers (the decoded arrays copied
 * once; the copies left to the collector), so that `describeSharedWind` later sends them to workers
 * as they are. Fields it cannot rebuild (analytic ones) are returned as they are.
 */
export function onSharedMemory(wind: WindField): WindField {
  const built = new Map<WindField, WindField>();
  const rebuild = (field: WindField): WindField => {
    let out = built.get(field);
    if (out) return out;
    if (isGrid(field)) out = gridWind(sharedParts(field.gridParts()));
    else if (field instanceof OffsetWind)
      out = new OffsetWind(rebuild(field.base), field.dLonDeg, field.dLatDeg, field.dAltM);
    else if (field instanceof ForecastEnsemble)
      out = forecastWind(field.members.map((m) => ({ ...m, field: rebuild(m.field) })));
    else out = field;
    built.set(field, out);
    return out;
  };
  return rebuild(wind);
}

let nextId = 1;
const described = new WeakMap<WindField, SharedWind | null>();

/**
 * A wind as a worker can rebuild it without its files (see SharedWind), or null where some field
 * of it is no grid, offset or ensemble (an analytic wind: a worker makes it again from the scenario
 * at no cost). Grids not yet in shared memory are copied there once; the description is kept for
 * the field, so that a pool serving it again (a server's catalog wind) neither copies nor
 * describes it again, and its workers recognise it by its id.
 */
export function describeSharedWind(wind: WindField): SharedWind | null {
  if (described.has(wind)) return described.get(wind)!;
  const grids: GridWindParts[] = [];
  const gridIndex = new Map<WindField, number>();
  const node = (field: WindField): SharedWindNode | null => {
    if (isGrid(field)) {
      let grid = gridIndex.get(field);
      if (grid === undefined) {
        grid = grids.push(sharedParts(field.gridParts())) - 1;
        gridIndex.set(field, grid);
      }
      return { kind: 'grid', grid };
    }
    if (field instanceof OffsetWind) {
      const base = node(field.base);
      if (!base) return null;
      return { kind: 'offset', base, dLonDeg: field.dLonDeg, dLatDeg: field.dLatDeg, dAltM: field.dAltM };
    }
    if (field instanceof ForecastEnsemble) {
      const members: { label: string; weight: number; field: SharedWindNode }[] = [];
      for (const m of field.members) {
        const f = node(m.field);
        if (!f) return null;
        members.push({ label: m.label, weight: m.weight, field: f });
      }
      return { kind: 'members', members };
    }
    return null;
  };
  const root = node(wind);
  const shared = root && { id: nextId++, grids, root };
  described.set(wind, shared);
  return shared;
}

/**
 * The wind a SharedWind describes, built over its shared arrays (nothing decoded, checked or
 * copied): the same fields, samples and coverage as the wind described, so that a run gives the
 * same result to the bit.
 */
export function sharedWindField(shared: SharedWind): WindField {
  const grids = shared.grids.map((parts) => gridWind(parts));
  const build = (node: SharedWindNode): WindField => {
    if (node.kind === 'grid') return grids[node.grid];
    if (node.kind === 'offset')
      return new OffsetWind(build(node.base), node.dLonDeg, node.dLatDeg, node.dAltM);
    const members: ForecastMember[] = node.members.map((m) => ({
      label: m.label,
      weight: m.weight,
      field: build(m.field),
    }));
    return forecastWind(members);
  };
  return build(shared.root);
}
