/** How `batchCalls` groups calls. */
export interface BatchCallsOptions {
  /** Inputs per batch, at most; more calls at once are split into several batches. @default Infinity */
  maxBatchSize?: number;
}

/** A call waiting for its batch (internal). */
export interface Pending<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches independent calls of an async function: calls made in the same turn of the event
 * loop (as `Promise.all` over a list makes them) are passed to `run` together, as one
 * array, and each call resolves with the output at its input's position. Use it to turn
 * many lookups into one SQL query or one HTTP request.
 *
 * `run` must return one output per input, in order; an output that is an `Error` fails
 * only its own call, and a `run` that throws fails every call of its batch.
 * @example
 * const userById = batchCalls(async (ids: string[]) => {
 *   const rows = await db.query("SELECT * FROM users WHERE id = ANY($1)", [ids]);
 *   return ids.map((id) => rows.find((row) => row.id === id) ?? new Error(`no user ${id}`));
 * });
 * const [ada, alan] = await Promise.all([userById("ada"), userById("alan")]); // one query
 */
export function batchCalls<I, O>(
  run: (inputs: I[]) => Promise<ReadonlyArray<O | Error>>,
  options: BatchCallsOptions = {},
): (input: I) => Promise<O> {
  if (typeof run !== "function") {
    throw new TypeError(`batchCalls: expected run to be a function, received ${typeof run}`);
  }
  const maxBatchSize = checkBatchSize("batchCalls", options);
  let pending: Pending<I, O>[] = [];
  return (input) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ input, resolve, reject });
      if (pending.length > 1) return;
      setImmediate(() => {
        const calls = pending;
        pending = [];
        for (let start = 0; start < calls.length; start += maxBatchSize) {
          settleBatch(calls.slice(start, start + maxBatchSize), run, "batchCalls");
        }
      });
    });
}

/** Runs one batch and settles each of its calls with its own output (internal). */
export function settleBatch<I, O>(
  calls: readonly Pending<I, O>[],
  run: (inputs: I[]) => Promise<ReadonlyArray<O | Error>>,
  where: string,
): void {
  let outputs: Promise<ReadonlyArray<O | Error>>;
  try {
    outputs = Promise.resolve(run(calls.map((call) => call.input)));
  } catch (error) {
    outputs = Promise.reject(error);
  }
  outputs.then(
    (results) => {
      if (!Array.isArray(results) || results.length !== calls.length) {
        const error = new TypeError(
          `${where}: expected the batch function to return an array of ${calls.length} outputs (one per input), received ${
            Array.isArray(results) ? `${results.length}` : typeof results
          }`,
        );
        for (const call of calls) call.reject(error);
        return;
      }
      calls.forEach((call, index) => {
        const result = results[index];
        if (result instanceof Error) call.reject(result);
        else call.resolve(result as O);
      });
    },
    (error: unknown) => {
      for (const call of calls) call.reject(error);
    },
  );
}

/** Checks `maxBatchSize` (internal). */
export function checkBatchSize(where: string, options: BatchCallsOptions): number {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: expected an options object, received ${String(options)}`);
  }
  const { maxBatchSize = Number.POSITIVE_INFINITY } = options;
  if (
    !(
      maxBatchSize === Number.POSITIVE_INFINITY ||
      (Number.isInteger(maxBatchSize) && maxBatchSize >= 1)
    )
  ) {
    throw new TypeError(
      `${where}: expected options.maxBatchSize to be an integer >= 1, received ${String(maxBatchSize)}`,
    );
  }
  return maxBatchSize;
}
