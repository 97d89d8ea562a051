import { defaultRuntime } from "../../runtime/default-runtime.js";
import { stepDispatcherConformance } from "../ports/step-dispatcher.conformance.js";
import { dispatcherFixtures } from "../ports/step-dispatcher.fixtures.js";
import { inlineDispatcher } from "./inline-dispatcher.js";

stepDispatcherConformance(
  "the in-process dispatcher",
  async () => ({ dispatcher: inlineDispatcher, workflows: dispatcherFixtures(defaultRuntime) }),
  { crossesJson: false },
);
