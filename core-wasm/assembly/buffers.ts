// Host-facing byte buffers that grow by doubling.

/**
 * `buf` when it holds `bytes`, else a new buffer of the next power-of-two
 * multiple of its size (contents dropped: callers refill it, and the host
 * rebuilds its views).
 */
export function atLeast(buf: StaticArray<u8>, bytes: i32): StaticArray<u8> {
  if (bytes <= buf.length) return buf;
  let cap = buf.length;
  while (cap < bytes) cap <<= 1;
  return new StaticArray<u8>(cap);
}
