// Changing a map's sentiment scale: the scores can move with it, so "−4 on −5 … +5" becomes
// "1.5 on 1 … 5" (the same place between worst and best), rather than falling outside it.
import type { JourneyMap } from "../types";
import type { Op } from "./ops";

export interface Scale { min: number; max: number }

/** `score` on `from`, put at the same place between worst and best on `to`, to the nearest ½. */
export function rescale(score: number, from: Scale, to: Scale): number {
  const share = (score - from.min) / (from.max - from.min);
  const value = to.min + share * (to.max - to.min);
  return Math.min(to.max, Math.max(to.min, Math.round(value * 2) / 2));
}

/** One undoable edit: the new scale, and every step's scores (per persona too) converted to it. */
export function rescaleOp(map: JourneyMap, to: Scale): Op {
  const from = map.scale;
  const ops: Op[] = [{ type: "map", changes: { scale: { ...map.scale, min: to.min, max: to.max } } }];
  for (const stage of map.stages) {
    for (const step of stage.steps) {
      const changes: Record<string, unknown> = {};
      if (step.emotion !== null && step.emotion !== undefined) changes.emotion = rescale(step.emotion, from, to);
      const per = Object.entries(step.emotions ?? {});
      if (per.length) changes.emotions = Object.fromEntries(per.map(([persona, v]) => [persona, rescale(v, from, to)]));
      if (Object.keys(changes).length) ops.push({ type: "update", kind: "steps", id: step.id, changes });
    }
  }
  return ops.length === 1 ? ops[0] : { type: "batch", ops };
}
