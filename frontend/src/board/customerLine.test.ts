import { describe, expect, it } from "vitest";
import { defaultMetric, defaultStep } from "../model.generated";
import { customerPoints, lineMetric, metricText, onMapScale } from "./customerLine";

const scale = { min: -5, max: 5 };

describe("onMapScale", () => {
  it("places scores as journeyline.model.customer_line.on_map_scale does", () => {
    expect(onMapScale(40, [-100, 100], scale)).toBeCloseTo(2);
    expect(onMapScale(80, [0, 100], scale)).toBeCloseTo(3);
    expect(onMapScale(4, [1, 7], scale)).toBeCloseTo(0);
    expect(onMapScale(75, [0, 100], { min: 1, max: 5 })).toBeCloseTo(4);
    expect(onMapScale(120, [0, 100], scale)).toBe(5);
  });
});

describe("customerPoints", () => {
  const step = (id: string, metrics: ReturnType<typeof defaultMetric>[]) => ({ ...defaultStep(), id, name: id, metrics });
  const csat = { ...defaultMetric(), name: "CSAT", value: 80, unit: "%", n: 10, interval: [49, 94.3], bounds: [0, 100] };

  it("takes each step's first metric with bounds, and skips the others", () => {
    const plain = { ...defaultMetric(), name: "Visits", value: 1200 };
    const steps = [step("a", [plain, csat]), step("b", [plain]), step("c", [])];
    const [point, ...rest] = customerPoints(steps, scale);
    expect(rest).toEqual([]);
    expect(point.stepId).toBe("a");
    expect(point.score).toBeCloseTo(3);
    expect(point.low).toBeCloseTo(-0.1);
    expect(point.high).toBeCloseTo(4.43);
    expect(point.n).toBe(10);
    expect(metricText(point.metric)).toBe("CSAT 80 %");
    expect(lineMetric(steps[1])).toBeNull();
  });

  it("has no interval when the metric has none", () => {
    const [point] = customerPoints([step("a", [{ ...csat, interval: null }])], scale);
    expect(point.low).toBeNull();
    expect(point.high).toBeNull();
  });
});
