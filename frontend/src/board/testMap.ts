// A small map for the unit tests (ops, document, history): two stages, three steps, a pain
// point with an opportunity on it, and evidence linked to a step. Built from the generated
// defaults, so it is a map the server could send.
import {
  defaultEvidence, defaultJourneyMap, defaultOpportunity, defaultPainPoint, defaultStage, defaultStep,
  type JourneyMap, type Step,
} from "../types";

function step(id: string, name: string, extra: Partial<Step> = {}): Step {
  return { ...defaultStep(), id, name, ...extra };
}

export function testMap(): JourneyMap {
  return {
    ...defaultJourneyMap(),
    id: "trial",
    name: "Trial evaluation",
    stages: [
      { ...defaultStage(), id: "stage-discover", name: "Discover", steps: [step("step-search", "Search"), step("step-read", "Read the pricing page", { emotion: -2 })] },
      { ...defaultStage(), id: "stage-signup", name: "Sign up", steps: [step("step-form", "Fill in the form", { kind: "decision", branches: [{ label: "Give up", to: "step-read" }] })] },
    ],
    pain_points: [{ ...defaultPainPoint(), id: "pain-prices", name: "Prices are hidden", step: "step-read", impact: "abandon" }],
    opportunities: [{ ...defaultOpportunity(), id: "opp-table", name: "Show a price table", pain_points: ["pain-prices"], steps: ["step-read"] }],
    evidence: [{ ...defaultEvidence(), id: "evidence-interview", name: "Interview 3", links: ["step-read", "pain-prices"] }],
  };
}
