// Choose what a quote is evidence for: a persona of the workspace, or a stage, step, pain
// point or opportunity of one of its maps.
import { useEffect, useState } from "react";
import { api, paths } from "../api";
import type { MapState } from "../types";
import { useWorkspace } from "../workspace";

export interface PickedElement { map: string | null; element: string; label: string }

interface Choice { value: string; label: string }

/** The elements of a map a quote may back, labelled by kind, in journey order. */
export function elementChoices(map: MapState["map"]): Choice[] {
  const out: Choice[] = [];
  for (const stage of map.stages) {
    out.push({ value: stage.id, label: `Stage: ${stage.name}` });
    for (const step of stage.steps) out.push({ value: step.id, label: `Step: ${step.name}` });
  }
  for (const pain of map.pain_points) out.push({ value: pain.id, label: `Pain point: ${pain.name}` });
  for (const opp of map.opportunities) out.push({ value: opp.id, label: `Opportunity: ${opp.name}` });
  return out;
}

export function ElementPicker({ onPick, busy, initialMap }: { onPick: (picked: PickedElement) => void; busy?: boolean; initialMap?: string }) {
  const { state } = useWorkspace();
  const personas = state.workspace.personas ?? [];
  const [mapId, setMapId] = useState<string>(initialMap ?? state.maps[0]?.id ?? "");
  const [choices, setChoices] = useState<Choice[]>([]);
  const [element, setElement] = useState("");
  useEffect(() => {
    let live = true;
    if (!mapId) {
      const list = personas.map((p) => ({ value: p.id, label: `Persona: ${p.name}` }));
      setChoices(list);
      setElement(list[0]?.value ?? "");
      return;
    }
    api.get<MapState>(paths.map(state.id, mapId)).then(
      (reply) => {
        if (!live) return;
        const list = elementChoices(reply.data.map);
        setChoices(list);
        setElement(list[0]?.value ?? "");
      },
      () => live && setChoices([]),
    );
    return () => {
      live = false;
    };
  }, [mapId, state.id, personas]);
  return (
    <form
      className="r-picker"
      onSubmit={(e) => {
        e.preventDefault();
        const chosen = choices.find((c) => c.value === element);
        if (chosen) onPick({ map: mapId || null, element, label: chosen.label });
      }}
    >
      <label className="field">
        <span className="field-label">Map</span>
        <select value={mapId} onChange={(e) => setMapId(e.target.value)} aria-label="Map">
          {state.maps.map((m) => (
            <option key={m.id} value={m.id}>{m.name}</option>
          ))}
          <option value="">Personas of the workspace</option>
        </select>
      </label>
      <label className="field">
        <span className="field-label">Element</span>
        <select value={element} onChange={(e) => setElement(e.target.value)} aria-label="Element">
          {choices.map((c) => (
            <option key={c.value} value={c.value}>{c.label}</option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy || !element}>Link as evidence</button>
    </form>
  );
}
