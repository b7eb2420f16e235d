import { describe, expect, it } from "vitest";
import { scoreText } from "./appearance";

describe("scoreText", () => {
  it("signs scores on a scale with negatives", () => {
    expect(scoreText(3, { min: -5, max: 5 })).toBe("+3");
    expect(scoreText(-2.5, { min: -5, max: 5 })).toBe("−2.5");
    expect(scoreText(0)).toBe("0");
  });
  it("leaves the plus sign off a 1 … 5 scale, where 3 is neutral", () => {
    expect(scoreText(3, { min: 1, max: 5 })).toBe("3");
    expect(scoreText(5, { min: 1, max: 5 })).toBe("5");
  });
});
