import { describe, expect, it } from "vitest";
import { fitZoom, nextZoom, ZOOM_STEPS } from "./viewport";

describe("zoom", () => {
  it("steps along the ladder and stops at its ends", () => {
    expect(nextZoom(1, 1)).toBe(1.1);
    expect(nextZoom(1, -1)).toBe(0.85);
    expect(nextZoom(0.32, 1)).toBe(0.33); // after a fit, the next step up
    expect(nextZoom(ZOOM_STEPS[0], -1)).toBe(ZOOM_STEPS[0]);
    expect(nextZoom(2, 1)).toBe(2);
  });
  it("fits the map to the width, never above 100 % nor below the smallest step", () => {
    expect(fitZoom(4787, 1440)).toBe(0.3);
    expect(fitZoom(800, 1440)).toBe(1);
    expect(fitZoom(100000, 1000)).toBe(ZOOM_STEPS[0]);
    expect(fitZoom(0, 1000)).toBe(1);
  });
});
