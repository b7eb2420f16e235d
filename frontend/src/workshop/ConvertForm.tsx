// Turning notes (or a group) into map elements: what they become (a step of a kind, a lane's
// text, a pain point with its impact, an opportunity, a back-story item) and where. The server
// makes the elements in one revision and records the workshop as their evidence.
import { useState } from "react";
import { useBoard } from "../board/store";
import type { ConvertAs, NoteKind, Place } from "./api";
import { useRoom } from "./hooks";

export const CONVERT_CHOICES: [ConvertAs, string][] = [
  ["step", "Steps (one per note)"],
  ["action", "The Actions lane's text at a step"],
  ["thought", "The Thinks lane's text at a step"],
  ["feeling", "The Feels lane's text at a step"],
  ["touchpoint", "Touchpoints at a step"],
  ["pain_point", "Pain points"],
  ["opportunity", "Opportunities"],
  ["backstory", "Back-story items"],
];

const IMPACTS: [number, string][] = [
  [1, "1 — trivial"],
  [2, "2 — annoying"],
  [3, "3 — needs a workaround"],
  [4, "4 — serious"],
  [5, "5 — makes them give up"],
];

/** What a note of a kind usually becomes. */
export function convertDefault(kind: NoteKind): ConvertAs {
  if (kind === "action" || kind === "question" || kind === "decision") return "step";
  if (kind === "thought") return "thought";
  if (kind === "feeling") return "feeling";
  if (kind === "pain_point") return "pain_point";
  if (kind === "idea") return "opportunity";
  return "backstory";
}

const NEEDS_STEP = new Set<ConvertAs>(["action", "thought", "feeling", "touchpoint"]);
const TAKES_STEP = new Set<ConvertAs>(["action", "thought", "feeling", "touchpoint", "pain_point", "opportunity"]);

export function ConvertForm({ what, kind, place, onDone }: { what: { notes: string[] } | { group: string }; kind: NoteKind; place: Place | null; onDone?: () => void }) {
  const room = useRoom();
  const stages = useBoard((s) => s.map.stages);
  const [as, setAs] = useState<ConvertAs>(convertDefault(kind));
  const [stage, setStage] = useState(place?.stage ?? stages[0]?.id ?? "");
  const stepsHere = stages.find((s) => s.id === stage)?.steps ?? [];
  const [step, setStep] = useState(place?.step ?? "");
  const [impact, setImpact] = useState(3);
  const [busy, setBusy] = useState(false);
  const chosenStep = stepsHere.some((s) => s.id === step) ? step : stepsHere[0]?.id ?? "";
  const missingStep = NEEDS_STEP.has(as) && !chosenStep;
  const stepKind = kind === "question" || kind === "decision" ? kind : "action";
  return (
    <form
      className="ws-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const body = {
          ...what,
          as,
          ...(as !== "backstory" && stage ? { stage } : {}),
          ...(TAKES_STEP.has(as) && chosenStep ? { step: chosenStep } : {}),
          ...(as === "pain_point" ? { impact } : {}),
          ...(as === "step" ? { step_kind: stepKind } : {}),
        };
        const done = await room.run(() => room.api.convert(body), null, undefined);
        setBusy(false);
        if (done) {
          room.notify(`Added ${done.elements.length} element${done.elements.length === 1 ? "" : "s"} to the map, with this workshop as evidence.`, "success");
          void room.refresh();
          onDone?.();
        }
      }}
    >
      <label className="field">
        <span className="field-label">Make them</span>
        <select value={as} onChange={(e) => setAs(e.target.value as ConvertAs)}>
          {CONVERT_CHOICES.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
      {as !== "backstory" && (
        <label className="field">
          <span className="field-label">Stage</span>
          <select value={stage} onChange={(e) => setStage(e.target.value)}>
            {stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {TAKES_STEP.has(as) && (
        <label className="field">
          <span className="field-label">At step</span>
          <select value={chosenStep} onChange={(e) => setStep(e.target.value)}>
            {!NEEDS_STEP.has(as) && <option value="">No particular step</option>}
            {stepsHere.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          {missingStep && <span className="field-error">This stage has no step yet: make the steps first.</span>}
        </label>
      )}
      {as === "pain_point" && (
        <label className="field">
          <span className="field-label">Impact</span>
          <select value={impact} onChange={(e) => setImpact(Number(e.target.value))}>
            {IMPACTS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="primary" disabled={busy || missingStep}>
        {busy ? "Adding…" : "Add to the map"}
      </button>
    </form>
  );
}
