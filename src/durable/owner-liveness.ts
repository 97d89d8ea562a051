import { hostname } from "node:os";

/**
 * Whether `owner` (an owner id of the default form `<host>:<pid>:<random>`) names a process
 * on this host that is gone: a run it held was left by a crash, and can be taken over at
 * once instead of after its heartbeat goes stale. Anything else (another host, a live pid,
 * a custom owner id) is not known to be gone. A pid that was reused by a new process reads
 * as alive: then the heartbeat decides, as for any other owner.
 */
export function isOwnerGone(owner: string | undefined): boolean {
  if (owner === undefined) return false;
  const [host, pidText] = owner.split(":");
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === "ESRCH";
  }
}
