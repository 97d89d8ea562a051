import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundledScript } from "../support/bundled-script.js";

const script = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

/** What a test worker process is started with (see worker-process.ts). */
export interface WorkerProcessConfig {
  queue: string;
  store: string;
  /** A module whose default export is the workflows by name (an absolute path or URL). */
  registry: string;
  prefix?: string;
  concurrency?: number;
  lockMs?: number;
  stalledCheckMs?: number;
}

/** Worker processes a test starts, and stops (or kills) by their pids. */
export class WorkerFleet {
  readonly #children = new Set<ChildProcess>();

  /** Starts one worker process; resolves once it takes jobs. */
  async start(config: WorkerProcessConfig): Promise<ChildProcess> {
    const { child, ready } = this.spawn(config);
    await ready;
    return child;
  }

  /** Starts one worker process and returns at once; `ready` resolves once it takes jobs. */
  spawn(config: WorkerProcessConfig): { child: ChildProcess; ready: Promise<void> } {
    const child = fork(bundledScript(script, config.registry), [JSON.stringify(config)], {
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    const ready = new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`worker exited with ${code}`));
      child.once("exit", onExit);
      child.on("message", function ready(message: { type?: string }) {
        if (message.type !== "ready") return;
        child.off("message", ready);
        child.off("exit", onExit);
        resolve();
      });
    });
    return { child, ready };
  }

  /** The worker processes alive now (started or still starting). */
  get alive(): ChildProcess[] {
    return [...this.#children].filter(
      (child) => child.exitCode === null && child.signalCode === null,
    );
  }

  get size(): number {
    return this.#children.size;
  }

  /** SIGKILLs one worker and resolves once it is gone. */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Stops every worker still running (gracefully, then by SIGKILL after 10 s). */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.#children].map(async (child) => {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.send("stop");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
