/**
 * conditional: long messages are summarised, short ones answered directly.
 *
 *   npx tsx examples/patterns/conditional.ts
 */
import { agent } from "../../src/index.js";
import { conditional } from "../../src/patterns/index.js";
import { modelFor, printSpend, short } from "./support/example-support.js";

const summarizer = agent({
  name: "summarizer",
  model: modelFor("summarizer"),
  instructions: "Summarise.",
});
const responder = agent({
  name: "responder",
  model: modelFor("responder"),
  instructions: "Reply briefly.",
});

// The condition may also be an agent that answers yes or no (conditionSchema).
const inbox = conditional((message) => message.split(/\s+/).length > 20, summarizer, responder);

const messages = [
  "Can we meet on Tuesday?",
  "Following up on the quarterly review: revenue grew in every region except the north, where two large customers delayed renewals; the team proposes a new pricing tier and a hiring freeze until June.",
];
for (const message of messages) {
  const result = await inbox.run(message);
  console.log(
    `condition ${result.output.condition} -> ${result.output.agent}: ${short(result.output.text, 80)}`,
  );
  printSpend(result);
}
