// The board's actions as ops: add, move and delete stages, steps, pain points and
// opportunities. Every edit goes through `store.dispatch`, so it is saved and undoable.
import { plural } from "../components/words";
import type { JourneyMap, Step } from "../types";
import { findElement, findStep, KIND_LABELS, newId, removeWithReferences, stepNudge, type ElementKind } from "./ops";
import type { BoardStore } from "./store";

/**
 * Focus an element of the board once it is drawn. A big map draws only the columns near the
 * viewport: if the element is not drawn, the grid is asked to scroll to it (`session.reveal`).
 */
function focusLater(store: BoardStore, selector: string, id: string, tries = 8): void {
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>(selector);
    if (!el) {
      if (tries === 8) store.session.reveal(id);
      if (tries > 0) focusLater(store, selector, id, tries - 1);
      return;
    }
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    el.focus({ preventScroll: true });
  });
}

export function focusStep(store: BoardStore, id: string): void {
  focusLater(store, `[data-step-id="${CSS.escape(id)}"]`, id);
}

export function focusStage(store: BoardStore, id: string): void {
  focusLater(store, `[data-stage-id="${CSS.escape(id)}"]`, id);
}

/** A new step in a stage (at the end unless `position`), named "New step", ready to rename. */
export function addStep(store: BoardStore, stageId: string, position?: number): string | null {
  const map = store.getState().map;
  const id = newId(map, "steps");
  const group = store.dispatch({ type: "add", kind: "steps", element: { id, name: "New step" }, stage: stageId, position }, "add a step");
  if (!group) return null;
  store.session.select("steps", id);
  store.session.requestEdit(id, "name");
  focusStep(store, id);
  return id;
}

/** A new stage (at the end unless `position`), named "New stage", ready to rename. */
export function addStage(store: BoardStore, position?: number): string | null {
  const map = store.getState().map;
  const id = newId(map, "stages");
  const group = store.dispatch({ type: "add", kind: "stages", element: { id, name: "New stage" }, position }, "add a stage");
  if (!group) return null;
  store.session.select("stages", id);
  store.session.requestEdit(id, "name");
  focusStage(store, id);
  return id;
}

/** Where the toolbar adds a step: after the selected step, in the selected stage, or at the end. */
export function addStepFromToolbar(store: BoardStore): void {
  const { map, selection } = store.getState();
  if (!map.stages.length) {
    const stage = addStage(store);
    if (stage) addStep(store, stage);
    return;
  }
  if (selection?.kind === "steps") {
    const place = findStep(map, selection.id);
    if (place) {
      addStep(store, place.stage.id, place.index + 1);
      return;
    }
  }
  if (selection?.kind === "stages" && map.stages.some((s) => s.id === selection.id)) {
    addStep(store, selection.id);
    return;
  }
  addStep(store, map.stages[map.stages.length - 1].id);
}

export function addStageFromToolbar(store: BoardStore): void {
  const { map, selection } = store.getState();
  let position: number | undefined;
  if (selection?.kind === "stages") {
    const i = map.stages.findIndex((s) => s.id === selection.id);
    if (i >= 0) position = i + 1;
  } else if (selection?.kind === "steps") {
    const place = findStep(map, selection.id);
    if (place) position = place.stageIndex + 1;
  }
  addStage(store, position);
}

/** The step the toolbar's "Add pain point" / "Add opportunity" act on. */
function targetStep(store: BoardStore): Step | null {
  const { map, selection } = store.getState();
  if (selection?.kind === "steps") return findStep(map, selection.id)?.step ?? null;
  if (selection?.kind === "pain_points") {
    const pain = map.pain_points.find((p) => p.id === selection.id);
    if (pain?.step) return findStep(map, pain.step)?.step ?? null;
  }
  if (selection?.kind === "stages") return map.stages.find((s) => s.id === selection.id)?.steps[0] ?? null;
  return map.stages.flatMap((s) => s.steps)[0] ?? null;
}

export function addPainPoint(store: BoardStore, stepId: string | null): string | null {
  const map = store.getState().map;
  const id = newId(map, "pain_points");
  const group = store.dispatch(
    { type: "add", kind: "pain_points", element: { id, name: "New pain point", step: stepId, impact: "workaround" } },
    "add a pain point",
  );
  if (!group) return null;
  store.session.open({ type: "element", kind: "pain_points", id, focus: "name" });
  return id;
}

export function addOpportunity(store: BoardStore, stepId: string | null, painId?: string): string | null {
  const map = store.getState().map;
  const id = newId(map, "opportunities");
  const element: Record<string, unknown> & { id: string } = { id, name: "New opportunity", steps: stepId ? [stepId] : [] };
  if (painId) element.pain_points = [painId];
  const group = store.dispatch({ type: "add", kind: "opportunities", element }, "add an opportunity");
  if (!group) return null;
  store.session.open({ type: "element", kind: "opportunities", id, focus: "name" });
  return id;
}

export function addPainPointFromToolbar(store: BoardStore): void {
  addPainPoint(store, targetStep(store)?.id ?? null);
}

export function addOpportunityFromToolbar(store: BoardStore): void {
  const { map, selection } = store.getState();
  if (selection?.kind === "pain_points") {
    const pain = map.pain_points.find((p) => p.id === selection.id);
    if (pain) {
      addOpportunity(store, null, pain.id);
      return;
    }
  }
  addOpportunity(store, targetStep(store)?.id ?? null);
}

function nameOf(map: JourneyMap, kind: ElementKind, id: string): string {
  const el = findElement(map, kind, id);
  return el ? String(el.name ?? id) : id;
}

/** Delete an element (and what only it held: a step's pain points), with an Undo in the notice. */
export function deleteElement(store: BoardStore, kind: ElementKind, id: string): void {
  const map = store.getState().map;
  const name = nameOf(map, kind, id);
  const op = removeWithReferences(map, kind, id);
  let extra = "";
  if (kind === "stages") {
    const steps = map.stages.find((s) => s.id === id)?.steps.map((s) => s.id) ?? [];
    const pains = map.pain_points.filter((p) => p.step && steps.includes(p.step)).length;
    if (steps.length) extra = ` with its ${plural(steps.length, "step")}${pains ? ` and ${plural(pains, "pain point")}` : ""}`;
  } else if (kind === "steps") {
    const pains = map.pain_points.filter((p) => p.step === id).length;
    if (pains) extra = ` with its ${plural(pains, "pain point")}`;
  }
  const group = store.dispatch(op, `delete ${KIND_LABELS[kind]} ‘${name}’`);
  if (!group) return;
  store.session.forgetElement(id);
  store.notify(`Deleted ${KIND_LABELS[kind]} ‘${name}’${extra}.`, "info", { label: "Undo", run: () => store.undoGroup(group) });
}

/** Alt+← / Alt+→: move a step one place along the journey (across stage borders). */
export function nudgeStep(store: BoardStore, id: string, direction: -1 | 1): void {
  const map = store.getState().map;
  const to = stepNudge(map, id, direction);
  if (!to) return;
  const name = nameOf(map, "steps", id);
  if (store.dispatch({ type: "update", kind: "steps", id, changes: {}, stage: to.stage, position: to.position }, `move step ‘${name}’`)) focusStep(store, id);
}

/** Alt+← / Alt+→ on a stage header: move the stage one place. */
export function nudgeStage(store: BoardStore, id: string, direction: -1 | 1): void {
  const map = store.getState().map;
  const i = map.stages.findIndex((s) => s.id === id);
  const to = i + direction;
  if (i < 0 || to < 0 || to >= map.stages.length) return;
  if (store.dispatch({ type: "update", kind: "stages", id, changes: {}, position: to }, `move stage ‘${map.stages[i].name}’`)) focusStage(store, id);
}

export function moveStep(store: BoardStore, id: string, stage: string, position: number): void {
  const map = store.getState().map;
  const place = findStep(map, id);
  if (!place || (place.stage.id === stage && place.index === position)) return;
  store.dispatch({ type: "update", kind: "steps", id, changes: {}, stage, position }, `move step ‘${place.step.name}’`);
}

export function moveStage(store: BoardStore, id: string, position: number): void {
  const map = store.getState().map;
  const i = map.stages.findIndex((s) => s.id === id);
  if (i < 0 || i === position) return;
  store.dispatch({ type: "update", kind: "stages", id, changes: {}, position }, `move stage ‘${map.stages[i].name}’`);
}

/** Change fields of one element (one undoable op). */
export function updateElement(store: BoardStore, kind: ElementKind, id: string, changes: Record<string, unknown>, what?: string): void {
  const map = store.getState().map;
  const name = nameOf(map, kind, id);
  const field = what ?? Object.keys(changes)[0]?.replace(/_/g, " ") ?? "";
  store.dispatch({ type: "update", kind, id, changes }, `change the ${field} of ${KIND_LABELS[kind]} ‘${name}’`);
}
