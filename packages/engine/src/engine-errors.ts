/**
 * Errors of the engine's own work done while a selector runs (training, embedding or reading the
 * reference and its cache), so that they are never blamed on the selector's plugin.
 */
const engineErrors = new WeakSet<object>();

/** Runs `work`; whatever it throws is marked as the engine's own and thrown on unchanged. */
export async function asEngineWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const thrown = error !== null && typeof error === 'object' ? error : new Error(String(error));
    engineErrors.add(thrown);
    throw thrown;
  }
}

/** Whether `error` came from the engine's own work (see `asEngineWork`). */
export function isEngineError(error: unknown): boolean {
  return error !== null && typeof error === 'object' && engineErrors.has(error);
}
