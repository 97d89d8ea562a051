import { tool } from "ai";
import { z } from "zod";
import { requiresApproval } from "../durable/requires-approval.js";
import { agent } from "../index.js";
import { workflow } from "../runtime/workflow.js";
import { type Dashboard, type DashboardOptions, dashboard } from "./dashboard.js";

/** Test helpers for the dashboard's tests (not exported from the package). */

/** A dashboard and requests to it, with the token (as a bearer header) or without. */
export interface OpenBoard {
  board: Dashboard;
  /** `http://127.0.0.1:<port>` */
  base: string;
  token: string;
  /** A request with the token. */
  call(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON POST with the token. */
  post(path: string, body?: unknown): Promise<Response>;
}

export async function openBoard(options: DashboardOptions): Promise<OpenBoard> {
  const board = await dashboard(options);
  const url = new URL(board.url);
  const token = url.searchParams.get("token")!;
  const base = `${url.protocol}//${url.host}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
  return {
    board,
    base,
    token,
    call,
    post: (path, body = {}) =>
      call(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
  };
}

/** One Server-Sent Events frame. */
export interface SseFrame {
  id: string | undefined;
  event: string | undefined;
  data: unknown;
}

/** The frames of an SSE response as they arrive (heartbeat comments left out). */
export async function* sseFrames(response: Response): AsyncGenerator<SseFrame> {
  let buffer = "";
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += chunk.value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(frame)?.[1];
        const data = field("data");
        if (data === undefined) continue;
        yield { id: field("id"), event: field("event"), data: JSON.parse(data) };
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** A gate a step waits on until the test opens it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

const prices = { "simulated:researcher": { inputPerMillion: 150, outputPerMillion: 600 } };

/**
 * A workflow with what the run page shows: an agent (priced) that calls a tool with a cost,
 * a step that fails once and is retried, a step waiting on `release` (so a run can be
 * watched while it goes on), a step that needs approval, and a last one after it.
 */
export function reviewFlow(release: Promise<void> = Promise.resolve()) {
  let flaky = 0;
  const lookup = tool({
    description: "Looks a topic up in the almanac.",
    inputSchema: z.object({ topic: z.string() }),
    execute: async ({ topic }) => ({ fact: `${topic} is well documented`, costInCents: 0.25 }),
  });
  const researcher = agent({
    name: "researcher",
    model: "simulated:researcher",
    instructions: "Look the topic up with the lookup tool, then answer.",
    tools: { lookup },
    prices,
  });
  return workflow<{ topic: string }>("review")
    .step("research", researcher, { input: ({ input }) => `Look up ${input.topic}.` })
    .step(
      "check",
      () => {
        flaky++;
        if (flaky === 1) throw new Error("the checker was busy");
        return "checked";
      },
      {
        dependsOn: ["research"],
        retry: { maxAttempts: 2, initialDelayMs: 1, retryOn: () => true },
      },
    )
    .step("gather", () => release.then(() => "gathered"), { dependsOn: ["research"] })
    .step("publish", () => "published", {
      dependsOn: ["check", "gather"],
      approval: { message: ({ input }) => `Publish the review of ${input.topic}?` },
    })
    .step("announce", () => "announced", { dependsOn: ["publish"] });
}

/** A workflow whose second step always fails (after one retry) after its agent's tool failed. */
export function brokenFlow() {
  const fetchPage = tool({
    description: "Fetches a page.",
    inputSchema: z.object({ url: z.string() }),
    execute: async ({ url }): Promise<string> => {
      throw new Error(`connection refused by ${url}`);
    },
  });
  const reader = agent({
    name: "reader",
    model: "simulated:researcher",
    instructions: "Fetch the page with fetchPage.",
    tools: { fetchPage },
    prices,
  });
  return workflow("broken")
    .step("read", reader, { input: () => "Read https://example.com" })
    .step(
      "parse",
      () => {
        throw new Error("unexpected end of input");
      },
      { dependsOn: ["read"], retry: { maxAttempts: 2, initialDelayMs: 1, retryOn: () => true } },
    );
}

/** A workflow whose agent calls a tool that needs approval (the run waits on the tool call). */
export function postFlow() {
  const publishPost = tool({
    description: "Publishes a post on the blog.",
    inputSchema: z.object({ title: z.string() }),
    execute: async ({ title }) => ({ url: `https://blog.example.com/${title.length}` }),
  });
  const publisher = agent({
    name: "publisher",
    model: "simulated:publisher",
    instructions: "Publish the post with the publishPost tool.",
    tools: requiresApproval({ publishPost }, { message: "Publish it?" }),
  });
  return workflow("post").step("post", publisher, { input: () => "Publish the launch post." });
}
