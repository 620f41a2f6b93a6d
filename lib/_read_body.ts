// Private: reads a request's or an answer's body with a size cap (the client's answers, webhook deliveries).

/** A body read to its end, or how many bytes had come when it passed the cap (the stream is then cancelled). */
export type CappedBody = { bytes: Uint8Array } | { over: number };

/**
 * Reads `body` to its end, keeping at most `limit` bytes: past that it stops, cancels the stream and says how many
 * bytes had come. A failing read (the other side hung up) rejects as the stream does.
 */
export async function readBodyUpTo(body: ReadableStream<Uint8Array>, limit: number): Promise<CappedBody> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return { over: total };
    }
    chunks.push(value);
  }
  return { bytes: concatBytes(chunks, total) };
}

/** `parts` as one array of `total` bytes (the one part itself when there is one). */
export function concatBytes(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}
