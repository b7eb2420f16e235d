// The live map document (layout 1, /work/notes/live-layout.md and docs/format.md): a JourneyMap
// laid out in a Y.Doc so that concurrent edits merge as people expect — text fields as Y.Text,
// elements keyed by id in Y.Maps with fractional positions, steps carrying their `stage`. The
// field tables come from the Python side (layout.generated.json), so the two cannot drift.
// This module reads a doc as a JourneyMap and turns the board's ops into Y transactions.
import * as Y from "yjs";
import {
  LANE_VALUES, defaultBackstory, defaultEvidence, defaultJourneyMap, defaultOpportunity, defaultPainPoint, defaultStage, defaultStep,
  type JourneyMap, type Stage, type Step,
} from "../../types";
import { applyOp, deepEqual, flatten, keepIdentity, OpError, type ElementKind, type Op, type PrimitiveOp } from "../ops";
import LAYOUT_JSON from "./layout.generated.json";
import { comparePlaces, positionBetween, spreadPositions } from "./position";

type Data = Record<string, unknown>;
/** A part of the document with its own field table: the map, its backstory, or a collection. */
export type Part = "map" | "backstory" | ElementKind;

interface KindTable {
  text: string[];
  required_text: string[];
  id_lists: string[];
  lists: string[];
  text_maps: string[];
  plain: string[];
  defaults: Record<string, unknown>;
}

interface LayoutTables {
  layout: number;
  kinds: Record<Part, KindTable>;
  positions: { digits: string; examples: { a: string | null; b: string | null; n: number; keys: string[] }[] };
}

export const LAYOUT = LAYOUT_JSON as unknown as LayoutTables;
export const COLLECTIONS: ElementKind[] = ["stages", "steps", "pain_points", "opportunities", "evidence"];

const MODEL_DEFAULTS: Record<Part, () => Data> = {
  map: () => defaultJourneyMap() as unknown as Data,
  backstory: () => defaultBackstory() as unknown as Data,
  stages: () => defaultStage() as unknown as Data,
  steps: () => defaultStep() as unknown as Data,
  pain_points: () => defaultPainPoint() as unknown as Data,
  opportunities: () => defaultOpportunity() as unknown as Data,
  evidence: () => defaultEvidence() as unknown as Data,
};

type FieldType = "text" | "list" | "textMap" | "plain";
const FIELD_TYPES = new Map<Part, Map<string, FieldType>>();
const ID_LISTS = new Map<Part, Set<string>>();
const REQUIRED = new Map<Part, Set<string>>();
/** Each part's fields (as the layout lists them) with the model's defaults. */
const DEFAULTS = {} as Record<Part, () => Data>;
for (const part of Object.keys(MODEL_DEFAULTS) as Part[]) {
  const table = LAYOUT.kinds[part];
  const types = new Map<string, FieldType>();
  for (const f of table.text) types.set(f, "text");
  for (const f of [...table.lists, ...table.id_lists]) types.set(f, "list");
  for (const f of table.text_maps) types.set(f, "textMap");
  for (const f of table.plain) types.set(f, "plain");
  FIELD_TYPES.set(part, types);
  ID_LISTS.set(part, new Set(table.id_lists));
  REQUIRED.set(part, new Set(table.required_text));
  const keys = Array.from(types.keys());
  DEFAULTS[part] = () => {
    const model = MODEL_DEFAULTS[part]();
    const out: Data = {};
    for (const k of keys) out[k] = k in model ? model[k] : clone(table.defaults[k] ?? null);
    return out;
  };
}

export function fieldType(part: Part, key: string): FieldType {
  return FIELD_TYPES.get(part)?.get(key) ?? "plain";
}

// --- the document's roots ----------------------------------------------------------------------

export interface Roots {
  meta: Y.Map<unknown>;
  map: Y.Map<unknown>;
  backstory: Y.Map<unknown>;
  stages: Y.Map<Y.Map<unknown>>;
  steps: Y.Map<Y.Map<unknown>>;
  pain_points: Y.Map<Y.Map<unknown>>;
  opportunities: Y.Map<Y.Map<unknown>>;
  evidence: Y.Map<Y.Map<unknown>>;
}

export function roots(doc: Y.Doc): Roots {
  return {
    meta: doc.getMap("meta"),
    map: doc.getMap("map"),
    backstory: doc.getMap("backstory"),
    stages: doc.getMap("stages"),
    steps: doc.getMap("steps"),
    pain_points: doc.getMap("pain_points"),
    opportunities: doc.getMap("opportunities"),
    evidence: doc.getMap("evidence"),
  };
}

/** Whether the doc holds a map yet (the server's first sync, or the copy kept on this device). */
export function hasMap(doc: Y.Doc): boolean {
  return doc.getMap("meta").get("layout") !== undefined;
}

// --- values in, values out -------------------------------------------------------------------

function clone<T>(value: T): T {
  return value === undefined || value === null || typeof value !== "object" ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function dedupe(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((x) => (seen.has(x) ? false : (seen.add(x), true)));
}

function readValue(part: Part, key: string, value: unknown, fallback: unknown): unknown {
  if (value instanceof Y.Text) {
    const s = value.toString();
    return s === "" && !REQUIRED.get(part)?.has(key) ? null : s;
  }
  if (value instanceof Y.Array) {
    const items = value.toArray().filter((x): x is string => typeof x === "string");
    return ID_LISTS.get(part)?.has(key) ? dedupe(items) : items;
  }
  if (value instanceof Y.Map) {
    const out: Record<string, string> = {};
    for (const [k, v] of value.entries()) {
      const text = v instanceof Y.Text ? v.toString() : "";
      if (text) out[k] = text; // an empty lane text reads as no text (as the server reads it)
    }
    return out;
  }
  return value === undefined ? fallback : value;
}

/** One part of the document (the map's fields, the backstory, an element) as the model's object. */
export function readPart(part: Part, entry: Y.Map<unknown>): Data {
  const out = DEFAULTS[part]();
  for (const key of Object.keys(out)) if (entry.has(key)) out[key] = readValue(part, key, entry.get(key), out[key]);
  return out;
}

function writeValue(part: Part, key: string, value: unknown): unknown {
  switch (fieldType(part, key)) {
    case "text":
      return new Y.Text(typeof value === "string" ? value : "");
    case "list":
      return Y.Array.from(Array.isArray(value) ? value.map(String) : []);
    case "textMap": {
      const m = new Y.Map<Y.Text>();
      for (const [k, v] of Object.entries((value as Record<string, string> | null) ?? {})) m.set(k, new Y.Text(String(v ?? "")));
      return m;
    }
    default:
      return value === undefined ? null : clone(value);
  }
}

/** A new entry for an element (or the map, the backstory) with every field of `data`. */
export function newEntry(part: Part, data: Data, place?: { pos: string; stage?: string }, customLanes: string[] = []): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  const full = { ...DEFAULTS[part](), ...data };
  // Every custom lane gets its text at creation (two people creating it later would lose one).
  if (part === "steps" && customLanes.length) full.lanes = { ...Object.fromEntries(customLanes.map((l) => [l, ""])), ...((full.lanes as Data) ?? {}) };
  for (const key of Object.keys(DEFAULTS[part]())) entry.set(key, writeValue(part, key, full[key]));
  if (place) {
    entry.set("pos", place.pos);
    if (place.stage !== undefined) entry.set("stage", place.stage);
  }
  return entry;
}

// --- minimal diffs -----------------------------------------------------------------------------

/** Change a Y.Text into `next` by deleting and inserting only the middle that differs. */
export function diffText(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  let start = 0;
  const max = Math.min(prev.length, next.length);
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  // Never split a surrogate pair.
  if (start > 0 && start < max && /[\uD800-\uDBFF]/.test(prev[start - 1])) start--;
  let end = 0;
  while (end < max - start && prev.charCodeAt(prev.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  if (end > 0 && end < max - start && /[\uDC00-\uDFFF]/.test(prev[prev.length - end])) end--;
  const removed = prev.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted) text.insert(start, inserted);
}

/** Change a Y.Array of strings into `next`, keeping the common head and tail. */
export function diffList(list: Y.Array<unknown>, next: string[]): void {
  const prev = list.toArray();
  let start = 0;
  const max = Math.min(prev.length, next.length);
  while (start < max && prev[start] === next[start]) start++;
  let end = 0;
  while (end < max - start && prev[prev.length - 1 - end] === next[next.length - 1 - end]) end++;
  const removed = prev.length - start - end;
  if (removed > 0) list.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted.length) list.insert(start, inserted);
}

/** Set one field of an entry in place: a text by diff, a list by diff, a plain value when it changed. */
export function setField(part: Part, entry: Y.Map<unknown>, key: string, value: unknown): void {
  const current = entry.get(key);
  switch (fieldType(part, key)) {
    case "text":
      if (current instanceof Y.Text) diffText(current, typeof value === "string" ? value : "");
      else entry.set(key, writeValue(part, key, value));
      return;
    case "list":
      if (current instanceof Y.Array) diffList(current, Array.isArray(value) ? value.map(String) : []);
      else entry.set(key, writeValue(part, key, value));
      return;
    case "textMap": {
      if (!(current instanceof Y.Map)) {
        entry.set(key, writeValue(part, key, value));
        return;
      }
      const next = (value as Record<string, string> | null) ?? {};
      for (const k of Array.from(current.keys())) if (!(k in next)) current.delete(k);
      for (const [k, v] of Object.entries(next)) {
        const t = current.get(k);
        if (t instanceof Y.Text) diffText(t, String(v ?? ""));
        else current.set(k, new Y.Text(String(v ?? "")));
      }
      return;
    }
    default:
      if (!entry.has(key) || !deepEqual(current, value)) entry.set(key, value === undefined ? null : clone(value));
  }
}

// --- reading the whole map ---------------------------------------------------------------------

interface Placed { id: string; pos: string; entry: Y.Map<unknown> }

function placed(collection: Y.Map<Y.Map<unknown>>): Placed[] {
  const out: Placed[] = [];
  for (const [id, entry] of collection.entries()) {
    if (!(entry instanceof Y.Map)) continue;
    const pos = entry.get("pos");
    out.push({ id, pos: typeof pos === "string" ? pos : "", entry });
  }
  return out.sort(comparePlaces);
}

/**
 * Reads a doc as a JourneyMap, reusing the objects of the previous reading for every element
 * whose entry did not change (observed per transaction), so React redraws only what changed.
 */
export class MapReader {
  private cache = new WeakMap<Y.Map<unknown>, Data>();
  private last: JourneyMap | null = null;
  private readonly roots: Roots;

  constructor(readonly doc: Y.Doc) {
    this.roots = roots(doc);
    for (const kind of COLLECTIONS) {
      const collection = this.roots[kind];
      collection.observeDeep((events) => {
        for (const event of events) {
          if (event.target === collection) continue;
          const id = event.path[0];
          const entry = typeof id === "string" ? collection.get(id) : undefined;
          if (entry) this.cache.delete(entry);
        }
      });
    }
  }

  private element(kind: ElementKind, p: Placed): Data {
    let value = this.cache.get(p.entry);
    if (!value) {
      value = readPart(kind, p.entry);
      value.id = p.id;
      this.cache.set(p.entry, value);
    }
    return value;
  }

  /** The map as the doc holds it, read the way the server's repair rules would leave it. */
  read(): JourneyMap {
    const r = this.roots;
    const head = readPart("map", r.map) as unknown as JourneyMap;
    const backstory = readPart("backstory", r.backstory) as unknown as JourneyMap["backstory"];
    const stepsByStage = new Map<string, Step[]>();
    const stagePlaces = placed(r.stages);
    const stageIds = new Set(stagePlaces.map((s) => s.id));
    const stepIds = new Set<string>();
    for (const p of placed(r.steps)) {
      const stage = p.entry.get("stage");
      // Rule 1: a step whose stage is gone is gone too.
      if (typeof stage !== "string" || !stageIds.has(stage)) continue;
      stepIds.add(p.id);
      const list = stepsByStage.get(stage) ?? [];
      list.push(this.element("steps", p) as unknown as Step);
      stepsByStage.set(stage, list);
    }
    const stages = stagePlaces.map((p) => {
      const base = this.element("stages", p) as unknown as Stage;
      return { ...base, steps: stepsByStage.get(p.id) ?? [] } as Stage;
    });
    // Rule 4: a branch to a removed step goes nowhere.
    for (const stage of stages)
      stage.steps = stage.steps.map((s) =>
        s.branches.some((b) => b.to && !stepIds.has(b.to)) ? { ...s, branches: s.branches.map((b) => (b.to && !stepIds.has(b.to) ? { ...b, to: null } : b)) } : s,
      );
    // Rule 2: a pain point at a removed step stays on the map, unplaced.
    const pain_points = placed(r.pain_points).map((p) => {
      const v = this.element("pain_points", p);
      return (typeof v.step === "string" && !stepIds.has(v.step) ? { ...v, step: null } : v) as unknown as JourneyMap["pain_points"][number];
    });
    const painIds = new Set(pain_points.map((p) => p.id));
    // Rule 3: an opportunity links only elements that exist.
    const opportunities = placed(r.opportunities).map((p) => {
      const v = this.element("opportunities", p) as unknown as JourneyMap["opportunities"][number];
      if (v.pain_points.every((x) => painIds.has(x)) && v.steps.every((x) => stepIds.has(x))) return v;
      return { ...v, pain_points: v.pain_points.filter((x) => painIds.has(x)), steps: v.steps.filter((x) => stepIds.has(x)) };
    });
    const evidence = placed(r.evidence).map((p) => this.element("evidence", p) as unknown as JourneyMap["evidence"][number]);
    const next: JourneyMap = { ...head, backstory, stages, pain_points, opportunities, evidence };
    this.last = this.last ? keepIdentity(this.last, next) : next;
    return this.last;
  }
}

/** Reads a doc once (tests, the CLI's way of looking at a doc). */
export function readMap(doc: Y.Doc): JourneyMap {
  return new MapReader(doc).read();
}

// --- writing -------------------------------------------------------------------------------------

/** Lay a whole map into an empty doc (tests; the server does this for a map's first live session). */
export function writeMap(doc: Y.Doc, map: JourneyMap, origin: unknown = null): void {
  const r = roots(doc);
  doc.transact(() => {
    r.meta.set("layout", LAYOUT.layout);
    const { stages, pain_points, opportunities, evidence, backstory, ...head } = map;
    for (const [k, v] of Object.entries(head)) if (k in DEFAULTS.map()) r.map.set(k, writeValue("map", k, v));
    for (const [k, v] of Object.entries(backstory)) r.backstory.set(k, writeValue("backstory", k, v));
    const stagePos = spreadPositions(stages.length);
    stages.forEach((stage, i) => {
      const { steps, ...rest } = stage;
      r.stages.set(stage.id, newEntry("stages", rest as unknown as Data, { pos: stagePos[i] }));
      const stepPos = spreadPositions(steps.length);
      steps.forEach((step, j) => r.steps.set(step.id, newEntry("steps", step as unknown as Data, { pos: stepPos[j], stage: stage.id }, customLanes(map))));
    });
    for (const [kind, list] of [["pain_points", pain_points], ["opportunities", opportunities], ["evidence", evidence]] as const) {
      const pos = spreadPositions(list.length);
      list.forEach((e, i) => r[kind].set(e.id, newEntry(kind, e as unknown as Data, { pos: pos[i] })));
    }
  }, origin);
}

const BUILT_IN_LANES = new Set<string>(LANE_VALUES);

/** The map's custom lanes (the ids in its `lanes` that are not built-in lanes). */
function customLanes(map: { lanes: unknown[] }): string[] {
  return map.lanes.filter((l): l is string => typeof l === "string" && !BUILT_IN_LANES.has(l));
}

function posOf(collection: Y.Map<Y.Map<unknown>>, id: string): string {
  const p = collection.get(id)?.get("pos");
  return typeof p === "string" ? p : "";
}

/**
 * The position for an element going to `index` among `siblings` (in order, without the element).
 * When the neighbours leave no room (concurrent inserts got the same position), the siblings
 * after it are given fresh places too, in the same transaction.
 */
function placeAt(collection: Y.Map<Y.Map<unknown>>, siblings: string[], index: number | undefined): string {
  const at = index === undefined ? siblings.length : Math.max(0, Math.min(index, siblings.length));
  const before = at > 0 ? posOf(collection, siblings[at - 1]) : null;
  const after = at < siblings.length ? posOf(collection, siblings[at]) : null;
  const direct = positionBetween(before, after);
  if (direct !== null) return direct;
  // No room: renumber this list (each a plain `pos` change, last writer wins; nothing is lost).
  const ids = [...siblings.slice(0, at), "", ...siblings.slice(at)];
  const fresh = spreadPositions(ids.length);
  ids.forEach((id, i) => {
    if (id) collection.get(id)?.set("pos", fresh[i]);
  });
  return fresh[at];
}

function siblingsOf(map: JourneyMap, kind: ElementKind, stage: string | undefined, except?: string): string[] {
  const ids =
    kind === "steps"
      ? (map.stages.find((s) => s.id === stage)?.steps ?? []).map((s) => s.id)
      : (map[kind] as { id: string }[]).map((e) => e.id);
  return except ? ids.filter((x) => x !== except) : ids;
}

function stageOfStep(map: JourneyMap, id: string): string | undefined {
  return map.stages.find((s) => s.steps.some((x) => x.id === id))?.id;
}

function applyPrimitive(doc: Y.Doc, map: JourneyMap, op: PrimitiveOp): void {
  const r = roots(doc);
  switch (op.type) {
    case "map": {
      for (const [key, value] of Object.entries(op.changes)) {
        if (key === "backstory") {
          const b = (value ?? {}) as Data;
          for (const k of Object.keys(DEFAULTS.backstory())) if (k in b) setField("backstory", r.backstory, k, b[k]);
        } else if (key in DEFAULTS.map()) setField("map", r.map, key, value);
      }
      return;
    }
    case "add": {
      const collection = r[op.kind];
      const pos = placeAt(collection, siblingsOf(map, op.kind, op.stage), op.position);
      if (op.kind === "stages") {
        const { steps, ...rest } = op.element as Data & { steps?: Step[] };
        collection.set(op.element.id, newEntry("stages", rest, { pos }));
        const stepPos = spreadPositions(steps?.length ?? 0);
        (steps ?? []).forEach((s, i) => r.steps.set(s.id, newEntry("steps", s as unknown as Data, { pos: stepPos[i], stage: op.element.id }, customLanes(map))));
      } else {
        collection.set(op.element.id, newEntry(op.kind, op.element, { pos, stage: op.kind === "steps" ? op.stage : undefined }, customLanes(map)));
      }
      return;
    }
    case "update": {
      const collection = r[op.kind];
      const entry = collection.get(op.id);
      if (!entry) throw new OpError(`'${op.id}' does not exist`);
      for (const [key, value] of Object.entries(op.changes)) {
        if (key === "id" || key === "steps" || key === "pos" || key === "stage") continue;
        if (key in DEFAULTS[op.kind]()) setField(op.kind, entry, key, value);
      }
      if (op.kind === "steps" && (op.stage !== undefined || op.position !== undefined)) {
        const stage = op.stage ?? stageOfStep(map, op.id);
        const pos = placeAt(collection, siblingsOf(map, "steps", stage, op.id), op.position);
        if (stage !== undefined && entry.get("stage") !== stage) entry.set("stage", stage);
        entry.set("pos", pos);
      } else if (op.position !== undefined) {
        entry.set("pos", placeAt(collection, siblingsOf(map, op.kind, undefined, op.id), op.position));
      }
      return;
    }
    case "remove": {
      if (op.kind === "stages") for (const [id, step] of Array.from(r.steps.entries())) if (step.get("stage") === op.id) r.steps.delete(id);
      r[op.kind].delete(op.id);
      return;
    }
  }
}

/**
 * Apply a board op to the doc as one transaction with `origin` (undo is scoped by origin).
 * `map` is the doc's current reading; the op is checked against it first (same errors as ops.ts).
 * Answers the map after the op.
 */
export function applyOpToDoc(doc: Y.Doc, map: JourneyMap, op: Op, origin: unknown): JourneyMap {
  const after = applyOp(map, op); // throws OpError when it does not apply
  doc.transact(() => {
    let current = map;
    for (const sub of flatten(op)) {
      applyPrimitive(doc, current, sub);
      current = applyOp(current, sub);
    }
  }, origin);
  return after;
}
