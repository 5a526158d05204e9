/** Copies the rows `indices` of a row-major matrix with `rowLength` columns into `out`. */
export function gatherRows<T extends Float32Array | Int32Array>(
  source: T,
  rowLength: number,
  indices: ArrayLike<number>,
  out: T,
): T {
  for (let r = 0; r < indices.length; r++) {
    const from = indices[r] * rowLength;
    out.set(source.subarray(from, from + rowLength), r * rowLength);
  }
  return out;
}

export function gatherValues<T extends Int32Array | Uint8Array | Float32Array>(
  source: T,
  indices: ArrayLike<number>,
  out: T,
): T {
  for (let r = 0; r < indices.length; r++) out[r] = source[indices[r]];
  return out;
}
