import type { Runnable } from "../runnable.js";
import type {
  PrefetchLoader,
  StepContext,
  StepFunction,
  StepInputContext,
  StepOptions,
  StepResults,
  StepTarget,
} from "./step-options.js";

/** One step to add: its id, what it runs, and its options. */
export interface PlannedStep<Input> {
  id: string;
  target: StepTarget<Input>;
  options: StepOptions<Input> | undefined;
}

/**
 * A step with `prefetch` as the steps to add: one function step per loader (`<id>-<name>`,
 * depending only on the loader's own `dependsOn`), then the step itself, depending on them
 * too, its `input`, `when` and function handed what they loaded as `prefetched`.
 */
export function expandPrefetch<Input>(
  id: string,
  target: StepTarget<Input>,
  options: StepOptions<Input> | undefined,
): PlannedStep<Input>[] {
  if (options?.prefetch === undefined) return [{ id, target, options }];
  const { prefetch, ...rest } = options;
  if (typeof prefetch !== "object" || prefetch === null || Array.isArray(prefetch)) {
    throw new TypeError(
      `step "${id}" prefetch: expected an object of loaders by name, received ${Array.isArray(prefetch) ? "an array" : String(prefetch)}`,
    );
  }
  const loaders = Object.entries(prefetch).map(([name, loader]) => ({
    name,
    id: `${id}-${name}`,
    ...loaderOf(id, name, loader as PrefetchLoader<Input>),
  }));
  const prefetchedOf = (results: StepResults) =>
    Object.fromEntries(loaders.map((loader) => [loader.name, results[loader.id]]));
  const withPrefetched = (context: StepInputContext<Input>) => ({
    ...context,
    prefetched: prefetchedOf(context.results),
  });
  const { input, when } = rest;
  const step: PlannedStep<Input> = {
    id,
    target: typeof target === "function" ? withPrefetchedContext(target, prefetchedOf) : target,
    options: {
      ...rest,
      dependsOn: [...(rest.dependsOn ?? []), ...loaders.map((loader) => loader.id)],
      ...(typeof input === "function"
        ? { input: (context) => input(withPrefetched(context)) }
        : {}),
      ...(typeof when === "function" ? { when: (context) => when(withPrefetched(context)) } : {}),
    },
  };
  return [
    ...loaders.map(
      (loader): PlannedStep<Input> => ({
        id: loader.id,
        target: loader.load,
        options: {
          dependsOn: loader.dependsOn,
          ...(rest.priority !== undefined ? { priority: rest.priority } : {}),
        },
      }),
    ),
    step,
  ];
}

function loaderOf<Input>(
  id: string,
  name: string,
  loader: PrefetchLoader<Input>,
): { load: StepFunction<Input>; dependsOn: readonly string[] } {
  if (typeof loader === "function") return { load: loader, dependsOn: [] };
  if (typeof loader === "object" && loader !== null && typeof loader.load === "function") {
    return { load: loader.load, dependsOn: loader.dependsOn ?? [] };
  }
  throw new TypeError(
    `step "${id}" prefetch.${name}: expected a function or { load, dependsOn? }, received ${typeof loader}`,
  );
}

/**
 * The function step with `prefetched` on its context. The context is a class whose getters
 * read private fields, so it is wrapped, not copied.
 */
function withPrefetchedContext<Input>(
  target: StepFunction<Input> | Runnable<never>,
  prefetchedOf: (results: StepResults) => Record<string, unknown>,
): StepFunction<Input> {
  const run = target as StepFunction<Input>;
  return (context: StepContext<Input>) => {
    const prefetched = prefetchedOf(context.results);
    return run(
      new Proxy(context, {
        get(base, property) {
          if (property === "prefetched") return prefetched;
          const value = Reflect.get(base, property, base);
          return typeof value === "function" ? value.bind(base) : value;
        },
      }),
    );
  };
}
