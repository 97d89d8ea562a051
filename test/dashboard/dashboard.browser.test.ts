/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * A run goes on in this process (a step waits on a gate the test opens, then a step waits
 * for approval); the page shows it live, the approval is given through the inbox, and the
 * run page, never reloaded, shows the run finish. Screenshots go to
 * test-artifacts/dashboard/*.png (ignored by git).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokenFlow, gate, openBoard, reviewFlow } from "../../src/dashboard/test-support.js";
import { type Durable, openDurable } from "../../src/durable/index.js";
import { tempDir } from "../../src/durable/test-support.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { chromiumAvailable, chromiumPath } from "../support/chromium.js";

const SHOTS = fileURLToPath(new URL("../../test-artifacts/dashboard/", import.meta.url));

describe.runIf(chromiumAvailable())("The dashboard in Chromium", { timeout: 120_000 }, () => {
  let browser: Browser;
  let temp: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  let durable: Durable;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    temp = tempDir();
    store = new SqliteStore({ path: join(temp.dir, "runs.db") });
    browser = await chromium.launch({ executablePath: chromiumPath()!, headless: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await durable?.close();
    await store?.close();
    temp?.cleanup();
  });

  /** Fails the test on any error the page logs (a CSP refusal, a script error). */
  function watchErrors(page: Page): string[] {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    return errors;
  }

  it("shows a run live, takes an approval through the inbox, and shows the run finish", async () => {
    const release = gate();
    const flow = reviewFlow(release.wait);
    durable = await openDurable({
      store,
      workflows: { review: flow },
      autoResume: true,
      pollMs: 100,
    });
    // Earlier runs, for the runs page: one failed.
    await durable.start(brokenFlow(), undefined).result;
    const run = durable.start(flow, { topic: "tides" });
    const { board, base } = await openBoard({ store, workflows: { review: flow }, pollMs: 50 });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      const requested: string[] = [];
      page.on("request", (request) => requested.push(request.url()));

      // The printed URL: the token is traded for a cookie and the address loses it.
      const opened = await page.goto(board.url);
      expect(opened?.status()).toBe(200);
      expect(page.url()).toBe(`${base}/`);
      const row = page.locator("tr", { has: page.locator(`a[href="#/runs/${run.id}"]`) });
      await expect.poll(() => row.locator(".status").textContent()).toBe("running");
      await expect.poll(() => page.locator("tbody tr").count()).toBe(2);
      await page.screenshot({ path: join(SHOTS, "runs.png"), fullPage: true });

      // The run page: the gated step runs; nothing after it has started.
      await row.locator("a").first().click();
      const node = (step: string, status: string) =>
        page.locator(`[data-node="step:${step}"][data-status="${status}"]`);
      await node("gather", "running").waitFor();
      await node("publish", "pending").waitFor();
      await page.locator(".live.on").waitFor();
      // A mark on the page: gone if it were reloaded.
      await page.evaluate(() => {
        (window as unknown as { marked: boolean }).marked = true;
      });
      await page.screenshot({ path: join(SHOTS, "run-running.png"), fullPage: true });

      // The step ends: the page shows it from the live stream, without a reload.
      release.open();
      await node("gather", "succeeded").waitFor();
      await node("publish", "waiting").waitFor();
      await expect
        .poll(() => page.locator("pre.events").textContent())
        .toContain("step-end gather");
      await page.locator('[data-approval] >> text="Publish the review of tides?"').waitFor();
      await page.screenshot({ path: join(SHOTS, "run-waiting.png"), fullPage: true });

      // Another tab: the approvals inbox, across runs; approve with a comment.
      const inbox = await context.newPage();
      const inboxErrors = watchErrors(inbox);
      await inbox.goto(`${base}/#/approvals`);
      const card = inbox.locator(`[data-approval="${run.id}/publish"]`);
      await card.locator("textarea").fill("Looks right, ship it");
      await inbox.screenshot({ path: join(SHOTS, "approvals.png"), fullPage: true });
      await card.locator("button.approve").click();
      await inbox.locator("[data-decided]").waitFor();
      expect(await inbox.locator("[data-decided]").textContent()).toMatch(
        new RegExp(`^Approved step publish of run ${run.id}\\.`),
      );
      await expect.poll(() => inbox.locator("#approval-count").isHidden()).toBe(true);

      // The run page, never reloaded, shows the run finish.
      await page.bringToFront();
      await node("announce", "succeeded").waitFor();
      await expect.poll(() => page.locator("h1 .status").textContent()).toBe("succeeded");
      await expect.poll(() => page.locator(".live").textContent()).toBe("ended: succeeded");
      expect(await page.locator('[data-figure="progress"]').textContent()).toBe("5/5 steps · 100%");
      expect(await page.evaluate(() => (window as unknown as { marked?: boolean }).marked)).toBe(
        true,
      );
      const trace = await page.locator('[data-figure="trace"]').textContent();
      expect(trace).toContain("approved: Looks right, ship it");
      expect(trace).toContain("✓ lookup");
      // The run this process started stopped at the approval; the auto-resumed one finished it.
      expect((await run.result).status).toBe("waiting");
      expect((await store.getRun(run.id))?.status).toBe("succeeded");
      await page.screenshot({ path: join(SHOTS, "run-finished.png"), fullPage: true });

      expect(errors).toEqual([]);
      expect(inboxErrors).toEqual([]);
      // Everything came from the dashboard itself: no CDN, nothing from the network.
      expect(requested.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
      const files = new Set(requested.map((url) => new URL(url).pathname));
      // (A browser may ask for /favicon.ico too, or not.)
      const pages = [...files].filter(
        (path) => !path.startsWith("/api/") && path !== "/favicon.ico",
      );
      expect(pages.sort()).toEqual(["/", "/app.css", "/app.js"]);
      await context.close();
    } finally {
      release.open();
      await board.close();
    }
  });

  it("refuses a browser without the token: 401", async () => {
    const { board, base } = await openBoard({ store });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const response = await page.goto(`${base}/`);
      expect(response?.status()).toBe(401);
      expect(await page.textContent("body")).toContain("access token");
      const wrong = await page.goto(`${base}/?token=guessed`);
      expect(wrong?.status()).toBe(401);
      await context.close();
    } finally {
      await board.close();
    }
  });
});
