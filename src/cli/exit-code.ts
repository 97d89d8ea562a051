/** What `baton` exits with. */
export const ExitCode = {
  /** The command did what was asked (a run that waits for an approval included). */
  success: 0,
  /** The run failed or was cancelled. */
  runFailed: 1,
  /** Bad input: an unknown file or run, an invalid spec, a bad flag value. */
  badInput: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
