/**
 * One segment of a run path or child run id: `%`, `/` (the separator) and `#` (which marks
 * an attempt) are escaped, so different steps and keys never give the same id.
 */
export function pathSegment(text: string): string {
  return /[%/#]/.test(text)
    ? text.replaceAll("%", "%25").replaceAll("/", "%2F").replaceAll("#", "%23")
    : text;
}

/** A work path with one more key: `path/key` (the key escaped). */
export function joinPath(path: string, key: string): string {
  return path === "" ? pathSegment(key) : `${path}/${pathSegment(key)}`;
}

/**
 * The id of the child run that work in one attempt of a step starts: `<runId>/<stepId>`,
 * then `#<iteration>.<attempt>` unless it is the first attempt of the first iteration,
 * then `/<path>` for work below the step's own runnable (`context.run`, a tool call). It
 * depends only on where the work sits, so a step that resumes finds its child run again.
 * @example childRunIdOf({ runId: "run_1", stepId: "research", iteration: 1, attempt: 1, path: "" }) // "run_1/research"
 */
export function childRunIdOf(work: {
  runId: string;
  stepId: string;
  iteration: number;
  attempt: number;
  path: string;
}): string {
  const { runId, stepId, iteration, attempt, path } = work;
  const attemptPart = iteration === 1 && attempt === 1 ? "" : `#${iteration}.${attempt}`;
  return `${runId}/${pathSegment(stepId)}${attemptPart}${path === "" ? "" : `/${path}`}`;
}
