// The customers' own sentiment line: the steps' survey scores (written by `journeyline feedback
// apply`) put on the map's scale. A port of journeyline.model.customer_line (on_map_scale,
// line_metric), whose docstrings define it; customerLine.test.ts pins the same examples.
import type { JourneyMap, Metric, Step } from "../types";

type Scale = JourneyMap["scale"];

export interface CustomerPoint {
  stepId: string;
  stepName: string;
  metric: Metric;
  /** The score, its interval's ends (null without one), on the map's scale. */
  score: number;
  low: number | null;
  high: number | null;
  n: number | null;
}

/** A survey score on the map's scale: linearly from the metric's bounds onto scale.min … scale.max, kept on the scale. */
export function onMapScale(value: number, bounds: readonly number[], scale: Scale): number {
  const [low, high] = bounds;
  const placed = scale.min + ((value - low) / (high - low)) * (scale.max - scale.min);
  return Math.min(scale.max, Math.max(scale.min, placed));
}

/** The metric a step's point comes from: its first metric with bounds and a number as its value. */
export function lineMetric(step: Step): Metric | null {
  for (const m of step.metrics) {
    if (m.bounds && m.bounds.length === 2 && m.bounds[1] > m.bounds[0] && typeof m.value === "number") return m;
  }
  return null;
}

/** One point per step that carries a survey score, in the order given. */
export function customerPoints(steps: readonly Step[], scale: Scale): CustomerPoint[] {
  const points: CustomerPoint[] = [];
  for (const step of steps) {
    const m = lineMetric(step);
    if (!m || !m.bounds || typeof m.value !== "number") continue;
    const interval = m.interval && m.interval.length === 2 ? m.interval : null;
    points.push({
      stepId: step.id,
      stepName: step.name,
      metric: m,
      score: onMapScale(m.value, m.bounds, scale),
      low: interval ? onMapScale(interval[0], m.bounds, scale) : null,
      high: interval ? onMapScale(interval[1], m.bounds, scale) : null,
      n: m.n,
    });
  }
  return points;
}

/** "CSAT 80 %": the score as measured. */
export function metricText(m: Metric): string {
  return `${m.name} ${typeof m.value === "number" ? Number(m.value.toFixed(2)) : m.value}${m.unit ? ` ${m.unit}` : ""}`;
}
