/**
 * NetCDF4 (an HDF5 file laid out by the netCDF-4 library) through h5wasm, the HDF5 C library compiled
 * to WebAssembly: it handles the chunking, shuffle and deflate filters that NetCDF4 files use.
 *
 * h5wasm is loaded with a dynamic import the first time an HDF5 file is met, so that the 4 MB module
 * costs nothing to NetCDF3 and GRIB users. Its ESM build carries the WebAssembly inline (no fetch, no
 * network) and works alike in Node and browsers; the "h5wasm/node" build is not used because it
 * reads the host file system instead of memory. A file is opened by writing its bytes into the
 * library's in-memory file system.
 */
import { DecodeError } from '@balloon-sim/sim-core';
import { type NcAttributeValue, type NcFile, type NcVariable, numbersOf } from './model.js';

type H5wasm = typeof import('h5wasm');
type H5Dataset = InstanceType<H5wasm['Dataset']>;

let loading: Promise<{ lib: H5wasm; module: Awaited<H5wasm['ready']> }> | undefined;

function loadH5wasm() {
  loading ??= import('h5wasm').then(async (lib) => ({ lib, module: await lib.ready }));
  // A failed load (a bundle without the module) is not cached, so a later call may retry.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

let fileCounter = 0;
/** Files open now: the throwing error handler stays on while any is open (they may overlap in time). */
let openFiles = 0;

/** Attributes the netCDF-4 library and HDF5 dimension scales use for bookkeeping, not CF metadata. */
const INTERNAL_ATTRIBUTES = new Set([
  'CLASS',
  'NAME',
  'REFERENCE_LIST',
  'DIMENSION_LIST',
  '_Netcdf4Coordinates',
  '_Netcdf4Dimid',
  '_nc3_strict',
  '_NCProperties',
]);

/** netCDF-4 stores a dimension without coordinate variable as a dataset with this NAME. */
const PURE_DIMENSION_NAME = 'This is a netCDF dimension but not a netCDF variable';
/** netCDF-4 renames a dimension's dataset with this prefix when a variable takes the dimension's name. */
const NON_COORD_PREFIX = '_nc4_non_coord_';

/** HDF5's error stack, as the throwing error handler reports it, cut to its "in function(): reason" lines. */
function hdf5Message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reasons = [...text.matchAll(/ in (\w+\(\)): (.*)$/gm)].map((m) => `${m[1]}: ${m[2].trim()}`);
  if (reasons.length === 0) return text.trim();
  // The first line says what was attempted, the last what went wrong underneath.
  return reasons.length === 1 ? reasons[0] : `${reasons[0]} … ${reasons[reasons.length - 1]}`;
}

function attributeValue(value: unknown): NcAttributeValue | undefined {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    if (list.every((x) => typeof x === 'string')) return list.join('');
    const numbers = list.map(Number);
    return numbers.length === 1 ? numbers[0] : numbers;
  }
  return undefined;
}

/** The NetCDF name of an HDF5 datatype (class 0 integer, 1 float, 3 string). */
function typeName(metadata: { type: number; size: number; signed: boolean }): string {
  if (metadata.type === 1) return metadata.size === 4 ? 'float' : metadata.size === 8 ? 'double' : 'float16';
  if (metadata.type === 0) {
    const base = { 1: 'byte', 2: 'short', 4: 'int', 8: 'int64' }[metadata.size] ?? `int${8 * metadata.size}`;
    return metadata.signed ? base : `u${base}`;
  }
  if (metadata.type === 3) return 'string';
  return `HDF5 class ${metadata.type}`;
}

function toNumbers(value: unknown): ArrayLike<number> {
  if (value instanceof BigInt64Array || value instanceof BigUint64Array)
    return Float64Array.from(value, Number);
  if (ArrayBuffer.isView(value)) return value as unknown as ArrayLike<number>;
  if (typeof value === 'number' || typeof value === 'bigint') return [Number(value)];
  throw new Error('holds values that are not numbers');
}

/**
 * Opens an HDF5 file from memory. HDF5 errors are turned into exceptions (h5wasm's "throwing error
 * handler") only while a file is open, and the library's default (print to stderr, return -1) is put
 * back when the last one closes, so other users of h5wasm see it as they left it. The caller must
 * close the file (../netcdf.ts does, in a finally): that also frees its in-memory copy.
 */
export async function openHdf5(bytes: Uint8Array, source: string): Promise<NcFile> {
  let h5: Awaited<ReturnType<typeof loadH5wasm>>;
  try {
    h5 = await loadH5wasm();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DecodeError(
      `cannot load the HDF5 library (h5wasm) to read NetCDF4: ${message}`,
      source,
      'header',
    );
  }
  const { lib, module } = h5;
  const path = `/netcdf-${++fileCounter}.nc`;
  module.FS!.writeFile(path, bytes);
  // Without it HDF5 prints its error stack to stderr and returns -1; with it, errors throw.
  if (openFiles++ === 0) module.activate_throwing_error_handler();
  let file: InstanceType<H5wasm['File']> | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      if (file && file.file_id >= 0n) file.close();
    } catch {
      // Closing a file HDF5 half-opened may fail again; the memory copy is removed regardless.
    } finally {
      if (--openFiles === 0) module.deactivate_throwing_error_handler();
      module.FS!.unlink(path);
    }
  };
  try {
    try {
      file = new lib.File(path, 'r');
    } catch (error) {
      throw new DecodeError(`cannot open as HDF5 (NetCDF4): ${hdf5Message(error)}`, source, 'header');
    }
    if (file.file_id < 0n) throw new DecodeError('cannot open as HDF5 (NetCDF4)', source, 'header');
    return describeFile(lib, file, source, close);
  } catch (error) {
    close();
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`cannot read the HDF5 structure: ${hdf5Message(error)}`, source, 'header');
  }
}

function describeFile(
  lib: H5wasm,
  file: InstanceType<H5wasm['File']>,
  source: string,
  close: () => void,
): NcFile {
  const dimensions: { name: string; size: number; id: number }[] = [];
  const found: { dataset: H5Dataset; variable: NcVariable; dimIds: number[]; isScale: boolean }[] = [];
  const metadataError = (name: string, error: unknown) =>
    error instanceof DecodeError
      ? error
      : new DecodeError(`cannot read its HDF5 metadata: ${hdf5Message(error)}`, source, `variable "${name}"`);
  // Only the root group: CF wind files (ERA5, grib_to_netcdf) do not use NetCDF4 groups.
  for (const key of file.keys()) {
    const name = key.startsWith(NON_COORD_PREFIX) ? key.slice(NON_COORD_PREFIX.length) : key;
    try {
      const dataset = file.get(key);
      if (!(dataset instanceof lib.Dataset)) continue;
      const attrs = dataset.attrs; // each access of .attrs lists them again through HDF5
      const names = Object.keys(attrs);
      const attr = (a: string) => (names.includes(a) ? attributeValue(attrs[a].value) : undefined);
      const shape = dataset.shape ?? [];
      const isScale = attr('CLASS') === 'DIMENSION_SCALE';
      if (isScale) {
        dimensions.push({ name, size: shape[0] ?? 0, id: numbersOf(attr('_Netcdf4Dimid'))[0] ?? -1 });
        if (String(attr('NAME')).startsWith(PURE_DIMENSION_NAME) || key !== name) continue;
      }
      const attributes = new Map<string, NcAttributeValue>();
      for (const a of names) {
        if (INTERNAL_ATTRIBUTES.has(a)) continue;
        const value = attr(a);
        if (value !== undefined) attributes.set(a, value);
      }
      const variable: NcVariable = { name, dims: [], shape, type: typeName(dataset.metadata), attributes };
      found.push({ dataset, variable, dimIds: numbersOf(attr('_Netcdf4Coordinates')), isScale });
    } catch (error) {
      throw metadataError(name, error);
    }
  }

  // Dimension names: netCDF-C lists a variable's dimension ids in _Netcdf4Coordinates and each
  // dimension's id in _Netcdf4Dimid. Those are plain attributes; the HDF5 dimension-scale API
  // (get_attached_scales) is the fallback for files written otherwise (h5netcdf), because on a
  // corrupted DIMENSION_LIST it can loop for ever.
  const nameById = new Map(dimensions.map((d) => [d.id, d.name]));
  const datasets = new Map<NcVariable, H5Dataset>();
  for (const { dataset, variable, dimIds, isScale } of found) {
    try {
      const fromIds = dimIds.map((id) => nameById.get(id));
      variable.dims =
        isScale && variable.shape.length === 1
          ? [variable.name]
          : fromIds.length === variable.shape.length && fromIds.every((n) => n !== undefined)
            ? (fromIds as string[])
            : variable.shape.map((_, d) => {
                const scale = dataset.get_attached_scales(d)[0]?.split('/').pop();
                if (!scale) return `phony_dim_${d}`; // the name netCDF-4 gives an unnamed dimension
                return scale.startsWith(NON_COORD_PREFIX) ? scale.slice(NON_COORD_PREFIX.length) : scale;
              });
    } catch (error) {
      throw metadataError(variable.name, error);
    }
    datasets.set(variable, dataset);
  }
  const variables = found.map((f) => f.variable);
  dimensions.sort((a, b) => a.id - b.id);
  const globalAttributes = new Map<string, NcAttributeValue>();
  try {
    const attrs = file.attrs;
    for (const a of Object.keys(attrs)) {
      // netCDF-C's own bookkeeping (_NCProperties, _Netcdf4Dimid…) says nothing of the data.
      if (a.startsWith('_')) continue;
      const value = attributeValue(attrs[a].value);
      if (value !== undefined) globalAttributes.set(a, value);
    }
  } catch (error) {
    throw metadataError('/', error);
  }
  return {
    globalAttributes,
    format: 'NetCDF4/HDF5',
    dimensions: dimensions.map(({ name, size }) => ({ name, size })),
    variables,
    close,
    read(variable, ranges) {
      const dataset = datasets.get(variable)!;
      try {
        // h5wasm's slice reads a hyperslab through HDF5 (decompressing only the chunks it touches).
        const value =
          variable.shape.length === 0 ? dataset.value : dataset.slice(ranges.map(([a, b]) => [a, b]));
        return toNumbers(value);
      } catch (error) {
        throw new DecodeError(
          `cannot read its data: ${hdf5Message(error)}`,
          source,
          `variable "${variable.name}"`,
        );
      }
    },
  };
}
