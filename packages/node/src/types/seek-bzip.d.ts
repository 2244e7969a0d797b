/** seek-bzip (pure-JavaScript bzip2 decoder) ships no types: the one call used here. */
declare module 'seek-bzip' {
  const Bunzip: {
    /**
     * Decompresses a whole bzip2 file; the block and stream CRCs are checked (a mismatch throws).
     * `multistream`: also decode further streams concatenated after the first (as pbzip2 writes).
     */
    decode(input: Uint8Array, output?: Uint8Array | number, multistream?: boolean): Uint8Array;
  };
  export default Bunzip;
}
