// The board's edit operations: every change to a map is an Op. This module is the one place
// where an op is applied to a map (locally, optimistically), inverted (for undo), checked
// against a newer map (after someone else's change), and turned into an API request.
// An op is also what live co-editing would send to peers, behind document.ts's MapDocument.
import { api, paths, type MapElementKind } from "../api";
import {
  defaultEvidence, defaultOpportunity, defaultPainPoint, defaultStage, defaultStep,
  type JourneyMap, type Opportunity, type PainPoint, type Stage, type Step,
} from "../types";

export type ElementKind = Exclude<MapElementKind, "evidence"> | "evidence";
type Data = Record<string, unknown>;

/** One change to one element (or to the map's own fields); `batch` groups several for one undo. */
export type Op =
  | { type: "add"; kind: ElementKind; element: Data & { id: string }; stage?: string; position?: number }
  | { type: "update"; kind: ElementKind; id: string; changes: Data; stage?: string; position?: number }
  | { type: "remove"; kind: ElementKind; id: string }
  | { type: "map"; changes: Data }
  | { type: "batch"; ops: Op[] };

export type PrimitiveOp = Exclude<Op, { type: "batch" }>;

/** Why an op cannot be applied to a map (the element is gone, the stage is gone …). */
export class OpError extends Error {}

// --- reading a map ------------------------------------------------------------------------

export interface StepPlace { stage: Stage; stageIndex: number; index: number }

export function findStep(map: JourneyMap, id: string): (StepPlace & { step: Step }) | null {
  for (let s = 0; s < map.stages.length; s++) {
    const stage = map.stages[s];
    const index = stage.steps.findIndex((x) => x.id === id);
    if (index >= 0) return { stage, stageIndex: s, index, step: stage.steps[index] };
  }
  return null;
}

function list(map: JourneyMap, kind: ElementKind): { id: string }[] {
  if (kind === "steps") return map.stages.flatMap((s) => s.steps);
  return map[kind] as { id: string }[];
}

export function findElement(map: JourneyMap, kind: ElementKind, id: string): Data | null {
  return (list(map, kind).find((e) => e.id === id) as Data | undefined) ?? null;
}

/** Every id in the map's one namespace (stages, steps, pain points, opportunities, evidence). */
export function mapIds(map: JourneyMap): Set<string> {
  const ids = new Set<string>([map.id]);
  for (const stage of map.stages) {
    ids.add(stage.id);
    for (const step of stage.steps) ids.add(step.id);
  }
  for (const coll of [map.pain_points, map.opportunities, map.evidence]) for (const e of coll) ids.add(e.id);
  return ids;
}

const PREFIX: Record<ElementKind, string> = { stages: "stage", steps: "step", pain_points: "pain", opportunities: "opp", evidence: "evidence" };

/** A fresh id for a new element, made on the client so the op and its inverse name it. */
export function newId(map: JourneyMap, kind: ElementKind): string {
  const taken = mapIds(map);
  for (;;) {
    const id = `${PREFIX[kind]}-${Math.random().toString(36).slice(2, 8)}`;
    if (!taken.has(id) && /^[a-z]+-[a-z0-9]{4,}$/.test(id)) return id;
  }
}

// --- applying -----------------------------------------------------------------------------

function clampPosition(position: number | undefined, length: number): number {
  if (position === undefined) return length;
  if (position < 0 || position > length) throw new OpError(`position ${position} is outside 0 … ${length}`);
  return position;
}

function insert<T>(items: T[], position: number | undefined, item: T): T[] {
  const next = items.slice();
  next.splice(clampPosition(position, items.length), 0, item);
  return next;
}

function fill<T>(kind: ElementKind, element: Data): T {
  return { ...DEFAULTS[kind](), ...element } as T;
}

/** The map after one op; the input is never changed and untouched parts keep their identity. */
export function applyOp(map: JourneyMap, op: Op): JourneyMap {
  switch (op.type) {
    case "batch":
      return op.ops.reduce(applyOp, map);
    case "map": {
      for (const key of Object.keys(op.changes))
        if (["id", "stages", "pain_points", "opportunities", "evidence"].includes(key)) throw new OpError(`'${key}' is not a map field`);
      return { ...map, ...(op.changes as Partial<JourneyMap>) };
    }
    case "add": {
      if (mapIds(map).has(op.element.id)) throw new OpError(`id '${op.element.id}' is already used in this map`);
      if (op.kind === "steps") {
        const s = map.stages.findIndex((x) => x.id === op.stage);
        if (s < 0) throw new OpError(`stage '${op.stage}' does not exist`);
        const stage = map.stages[s];
        const stages = map.stages.slice();
        stages[s] = { ...stage, steps: insert(stage.steps, op.position, fill<Step>("steps", op.element)) };
        return { ...map, stages };
      }
      const element = op.kind === "stages" ? fill<Stage>("stages", op.element) : fill(op.kind, op.element);
      return { ...map, [op.kind]: insert(map[op.kind] as unknown[], op.position, element) };
    }
    case "update": {
      if ("id" in op.changes && op.changes.id !== op.id) throw new OpError("ids cannot change");
      if (op.kind === "steps") {
        const place = findStep(map, op.id);
        if (!place) throw new OpError(`step '${op.id}' does not exist`);
        const updated: Step = { ...place.step, ...(op.changes as Partial<Step>) };
        const target = op.stage ? map.stages.findIndex((x) => x.id === op.stage) : place.stageIndex;
        if (target < 0) throw new OpError(`stage '${op.stage}' does not exist`);
        const stages = map.stages.slice();
        if (target === place.stageIndex && op.position === undefined) {
          const steps = place.stage.steps.slice();
          steps[place.index] = updated;
          stages[target] = { ...place.stage, steps };
        } else {
          const without = place.stage.steps.filter((x) => x.id !== op.id);
          stages[place.stageIndex] = { ...place.stage, steps: without };
          const into = stages[target];
          stages[target] = { ...into, steps: insert(into.steps, op.position, updated) };
        }
        return { ...map, stages };
      }
      if (op.kind === "stages" && "steps" in op.changes) throw new OpError("a stage's steps change one by one");
      const items = map[op.kind] as unknown as Data[];
      const index = items.findIndex((x) => x.id === op.id);
      if (index < 0) throw new OpError(`${KIND_LABELS[op.kind]} '${op.id}' does not exist`);
      const updated = { ...items[index], ...op.changes };
      let next: Data[];
      if (op.position === undefined) {
        next = items.slice();
        next[index] = updated;
      } else {
        next = items.filter((_, i) => i !== index);
        next = insert(next, op.position, updated);
      }
      return { ...map, [op.kind]: next };
    }
    case "remove": {
      if (op.kind === "steps") {
        const place = findStep(map, op.id);
        if (!place) throw new OpError(`step '${op.id}' does not exist`);
        const stages = map.stages.slice();
        stages[place.stageIndex] = { ...place.stage, steps: place.stage.steps.filter((x) => x.id !== op.id) };
        return { ...map, stages };
      }
      const items = map[op.kind] as unknown as Data[];
      if (!items.some((x) => x.id === op.id)) throw new OpError(`${KIND_LABELS[op.kind]} '${op.id}' does not exist`);
      return { ...map, [op.kind]: items.filter((x) => x.id !== op.id) };
    }
  }
}

// --- inverting ----------------------------------------------------------------------------

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The op that undoes `op`, computed against the map as it is before `op` is applied. */
export function inverseOf(map: JourneyMap, op: Op): Op {
  switch (op.type) {
    case "batch": {
      const inverses: Op[] = [];
      let current = map;
      for (const sub of op.ops) {
        inverses.unshift(inverseOf(current, sub));
        current = applyOp(current, sub);
      }
      return { type: "batch", ops: inverses };
    }
    case "map": {
      const before: Data = {};
      for (const key of Object.keys(op.changes)) before[key] = clone((map as unknown as Data)[key] ?? null);
      return { type: "map", changes: before };
    }
    case "add":
      return { type: "remove", kind: op.kind, id: op.element.id };
    case "update": {
      const current = findElement(map, op.kind, op.id);
      if (!current) throw new OpError(`${KIND_LABELS[op.kind]} '${op.id}' does not exist`);
      const before: Data = {};
      for (const key of Object.keys(op.changes)) before[key] = clone(current[key] ?? null);
      const inverse: Op = { type: "update", kind: op.kind, id: op.id, changes: before };
      if (op.kind === "steps" && (op.stage !== undefined || op.position !== undefined)) {
        const place = findStep(map, op.id)!;
        inverse.stage = place.stage.id;
        inverse.position = place.index;
      } else if (op.position !== undefined) {
        inverse.position = (map[op.kind as Exclude<ElementKind, "steps">] as unknown as Data[]).findIndex((x) => x.id === op.id);
      }
      return inverse;
    }
    case "remove": {
      if (op.kind === "steps") {
        const place = findStep(map, op.id);
        if (!place) throw new OpError(`step '${op.id}' does not exist`);
        return { type: "add", kind: "steps", element: clone(place.step) as unknown as Data & { id: string }, stage: place.stage.id, position: place.index };
      }
      const items = map[op.kind] as unknown as Data[];
      const index = items.findIndex((x) => x.id === op.id);
      if (index < 0) throw new OpError(`${KIND_LABELS[op.kind]} '${op.id}' does not exist`);
      return { type: "add", kind: op.kind, element: clone(items[index]) as Data & { id: string }, position: index };
    }
  }
}

/** Primitive ops in the order they are sent. */
export function flatten(op: Op): PrimitiveOp[] {
  return op.type === "batch" ? op.ops.flatMap(flatten) : [op];
}

// --- after someone else's change ------------------------------------------------------------

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    // The API sends 2.0 as 2; a missing optional field and null mean the same.
    return (a ?? null) === (b ?? null);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as Data);
  const kb = Object.keys(b as Data);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Data)[k], (b as Data)[k]));
}

/**
 * Whether a pending op may be re-applied on a map someone else changed: it may when what it
 * changes is still there and still as it was when the edit was made (`base`: the op's inverse).
 * Returns null when it applies, or the reason it does not.
 */
export function conflictOf(map: JourneyMap, op: PrimitiveOp, base: PrimitiveOp | null): string | null {
  try {
    applyOp(map, op);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  if (op.type === "update" && base?.type === "update") {
    const current = findElement(map, op.kind, op.id)!;
    for (const key of Object.keys(op.changes))
      if (!deepEqual(current[key] ?? null, base.changes[key] ?? null) && !deepEqual(current[key] ?? null, op.changes[key] ?? null))
        return `someone else changed the ${key.replace(/_/g, " ")} of ${KIND_LABELS[op.kind]} '${String(current.name ?? op.id)}' at the same time`;
  }
  if (op.type === "map" && base?.type === "map") {
    for (const key of Object.keys(op.changes)) {
      const current = (map as unknown as Data)[key];
      if (!deepEqual(current ?? null, base.changes[key] ?? null) && !deepEqual(current ?? null, op.changes[key] ?? null))
        return `someone else changed the map's ${key.replace(/_/g, " ")} at the same time`;
    }
  }
  return null;
}

/** An edit that would leave the map as it is (the same value saved twice): not worth a revision. */
export function changesNothing(map: JourneyMap, op: Op): boolean {
  if (op.type === "map") return Object.entries(op.changes).every(([k, v]) => deepEqual((map as unknown as Data)[k] ?? null, v ?? null));
  if (op.type !== "update" || op.stage !== undefined || op.position !== undefined) return false;
  const current = findElement(map, op.kind, op.id);
  return !!current && Object.entries(op.changes).every(([k, v]) => deepEqual(current[k] ?? null, v ?? null));
}

/** The op with its position brought inside the list it goes into (the list may have shrunk meanwhile). */
export function clampOp(map: JourneyMap, op: PrimitiveOp): PrimitiveOp {
  if ((op.type !== "add" && op.type !== "update") || op.position === undefined) return op;
  let length: number;
  if (op.kind === "steps") {
    const stageId = op.stage ?? (op.type === "update" ? findStep(map, op.id)?.stage.id : undefined);
    const stage = map.stages.find((s) => s.id === stageId);
    if (!stage) return op;
    length = stage.steps.filter((s) => op.type !== "update" || s.id !== op.id).length;
  } else {
    const items = map[op.kind] as unknown as Data[];
    length = items.filter((x) => op.type !== "update" || x.id !== op.id).length;
  }
  return op.position > length ? { ...op, position: length } : op;
}

// --- keeping identity (so memoised columns do not redraw) -------------------------------------

function keepList<T extends { id: string }>(prev: T[], next: T[], keepItem: (p: T, n: T) => T): T[] {
  if (prev === next) return prev;
  const byId = new Map(prev.map((p) => [p.id, p]));
  let same = prev.length === next.length;
  const out = next.map((n, i) => {
    const p = byId.get(n.id);
    const kept = p ? keepItem(p, n) : n;
    if (kept !== prev[i]) same = false;
    return kept;
  });
  return same ? prev : out;
}

function keepLeaf<T>(p: T, n: T): T {
  return p === n || deepEqual(p, n) ? p : n;
}

/** `next`, reusing every stage, step, pain point and opportunity of `prev` that did not change. */
export function keepIdentity(prev: JourneyMap, next: JourneyMap): JourneyMap {
  if (prev === next) return prev;
  const stages = keepList(prev.stages, next.stages, (p, n) => {
    if (p === n) return p;
    const steps = keepList(p.steps, n.steps, keepLeaf);
    const { steps: _a, ...restP } = p;
    const { steps: _b, ...restN } = n;
    if (steps === p.steps && deepEqual(restP, restN)) return p;
    return { ...n, steps };
  });
  const pain_points = keepList(prev.pain_points, next.pain_points, keepLeaf);
  const opportunities = keepList(prev.opportunities, next.opportunities, keepLeaf);
  const evidence = keepList(prev.evidence, next.evidence, keepLeaf);
  const result: JourneyMap = { ...next, stages, pain_points, opportunities, evidence };
  const keys = Object.keys(result) as (keyof JourneyMap)[];
  for (const key of keys) {
    if (key === "stages" || key === "pain_points" || key === "opportunities" || key === "evidence") continue;
    if (deepEqual(prev[key], result[key])) (result as unknown as Data)[key] = prev[key];
  }
  return keys.every((k) => result[k] === prev[k]) && Object.keys(prev).length === keys.length ? prev : result;
}

/** Put the element as the server stored it in place of ours (same id, same place). */
export function replaceElement(map: JourneyMap, kind: ElementKind, element: Data & { id: string }): JourneyMap {
  if (kind === "steps") {
    const place = findStep(map, element.id);
    if (!place) return map;
    const steps = place.stage.steps.slice();
    steps[place.index] = keepLeaf(place.step, element as unknown as Step);
    if (steps[place.index] === place.step) return map;
    const stages = map.stages.slice();
    stages[place.stageIndex] = { ...place.stage, steps };
    return { ...map, stages };
  }
  const items = map[kind] as unknown as Data[];
  const index = items.findIndex((x) => x.id === element.id);
  if (index < 0) return map;
  let value: Data = element;
  if (kind === "stages") {
    const stage = items[index] as unknown as Stage;
    const incoming = element as unknown as Stage;
    value = { ...incoming, steps: keepList(stage.steps, incoming.steps, keepLeaf) } as unknown as Data;
  }
  if (deepEqual(items[index], value)) return map;
  const next = items.slice();
  next[index] = value;
  return { ...map, [kind]: next };
}

// --- sending ----------------------------------------------------------------------------------

export interface Target { workspaceId: string; mapId: string }
/** What the server answered: the new revision, and the element (or whole map) as it stored it. */
export interface Sent { revision: number; element: (Data & { id: string }) | null; map?: JourneyMap }

interface ElementReply { revision: number; element: (Data & { id: string }) | null }

/** Sends one primitive op with If-Match: `revision`; answers the new revision. */
export async function sendOp(target: Target, op: PrimitiveOp, revision: number): Promise<Sent> {
  const { workspaceId: w, mapId: m } = target;
  const opts = { ifMatch: revision };
  switch (op.type) {
    case "map": {
      const reply = await api.patch<{ revision: number; map?: JourneyMap }>(paths.map(w, m), op.changes, opts);
      return { revision: reply.etag ?? reply.data.revision, element: null, map: reply.data.map };
    }
    case "add": {
      const query = { stage: op.kind === "steps" ? op.stage : undefined, position: op.position };
      const reply = await api.post<ElementReply>(paths.elements(w, m, op.kind), op.element, { ...opts, query });
      return { revision: reply.data.revision ?? reply.etag, element: reply.data.element };
    }
    case "update": {
      const query = { stage: op.kind === "steps" ? op.stage : undefined, position: op.position };
      const reply = await api.patch<ElementReply>(paths.element(w, m, op.kind, op.id), op.changes, { ...opts, query });
      return { revision: reply.data.revision ?? reply.etag, element: reply.data.element };
    }
    case "remove": {
      const reply = await api.del<ElementReply>(paths.element(w, m, op.kind, op.id), opts);
      return { revision: reply.data.revision ?? reply.etag, element: null };
    }
  }
}

// --- building ops for the board's actions ------------------------------------------------------

export const KIND_LABELS: Record<ElementKind, string> = { stages: "stage", steps: "step", pain_points: "pain point", opportunities: "opportunity", evidence: "evidence" };

/** A new element of each kind with the file format's defaults (generated from the schema). */
const DEFAULTS: Record<ElementKind, () => object> = {
  stages: defaultStage,
  steps: defaultStep,
  pain_points: defaultPainPoint,
  opportunities: defaultOpportunity,
  evidence: defaultEvidence,
};

/**
 * Removing an element that others point at: first drop the references (opportunities' links,
 * evidence links, decision branches, pain points at a removed step), then remove it. One undo.
 */
export function removeWithReferences(map: JourneyMap, kind: ElementKind, id: string): Op {
  const ops: Op[] = [];
  const gone = new Set<string>([id]);
  let stepIds: string[] = [];
  if (kind === "stages") stepIds = map.stages.find((s) => s.id === id)?.steps.map((s) => s.id) ?? [];
  if (kind === "steps") stepIds = [id];
  for (const s of stepIds) gone.add(s);
  const pains: PainPoint[] = map.pain_points.filter((p) => p.step && stepIds.includes(p.step));
  for (const p of pains) gone.add(p.id);
  for (const o of map.opportunities as Opportunity[]) {
    const pain_points = o.pain_points.filter((x) => !gone.has(x));
    const steps = o.steps.filter((x) => !gone.has(x));
    const changes: Data = {};
    if (pain_points.length !== o.pain_points.length) changes.pain_points = pain_points;
    if (steps.length !== o.steps.length) changes.steps = steps;
    if (Object.keys(changes).length) ops.push({ type: "update", kind: "opportunities", id: o.id, changes });
  }
  for (const e of map.evidence) {
    const links = e.links.filter((x) => !gone.has(x));
    if (links.length !== e.links.length) ops.push({ type: "update", kind: "evidence", id: e.id, changes: { links } });
  }
  for (const stage of map.stages)
    for (const step of stage.steps) {
      if (gone.has(step.id)) continue;
      if (step.branches.some((b) => b.to && gone.has(b.to)))
        ops.push({ type: "update", kind: "steps", id: step.id, changes: { branches: step.branches.map((b) => (b.to && gone.has(b.to) ? { ...b, to: null } : b)) } });
    }
  for (const p of pains) ops.push({ type: "remove", kind: "pain_points", id: p.id });
  ops.push({ type: "remove", kind, id });
  return ops.length === 1 ? ops[0] : { type: "batch", ops };
}

/** Where a step goes with Alt+← / Alt+→: one place along the journey, across stage borders. */
export function stepNudge(map: JourneyMap, id: string, direction: -1 | 1): { stage: string; position: number } | null {
  const place = findStep(map, id);
  if (!place) return null;
  const { stageIndex, index, stage } = place;
  if (direction < 0) {
    if (index > 0) return { stage: stage.id, position: index - 1 };
    if (stageIndex === 0) return null;
    const prev = map.stages[stageIndex - 1];
    return { stage: prev.id, position: prev.steps.length };
  }
  if (index < stage.steps.length - 1) return { stage: stage.id, position: index + 1 };
  if (stageIndex === map.stages.length - 1) return null;
  return { stage: map.stages[stageIndex + 1].id, position: 0 };
}
