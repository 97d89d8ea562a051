/**
 * router: a rule sends obvious tickets straight to their desk; a triage model picks for the
 * rest; an unknown pick falls back to the general desk.
 *
 *   npx tsx examples/patterns/router.ts
 */
import { agent } from "../../src/index.js";
import { router, routeSchema } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const desk = (name: string, instructions: string) =>
  agent({ name, model: modelFor(name), instructions });
const billing = desk("billing", "You handle invoices and refunds.");
const tech = desk("tech", "You fix technical problems.");
const general = desk("general", "You answer anything else.");
const triage = agent({
  name: "triage",
  model: modelFor("triage"),
  instructions: "Route support tickets.",
  output: routeSchema(["billing", "tech", "general"]),
});

const support = router({
  agents: {
    billing: { agent: billing, description: "invoices, refunds, payments" },
    tech: { agent: tech, description: "bugs, outages, setup" },
    general,
  },
  by: {
    rule: (task) => (/invoice|refund/i.test(task) ? "billing" : undefined),
    model: triage,
  },
  fallback: "general",
});

// Offline, the simulated triage model picks a route at random; a real model reads the descriptions.
for (const ticket of ["Please refund my last invoice", "The app crashes when I log in"]) {
  const result = await support.run(ticket);
  const { route, decidedBy, fellBack, text } = result.output;
  console.log(
    `${ticket} -> ${route} (by ${decidedBy}${fellBack ? ", fallback" : ""}): ${short(text, 70)}`,
  );
  printSpend(result);
}
