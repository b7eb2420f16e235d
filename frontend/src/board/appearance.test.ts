import { describe, expect, it } from "vitest";
import { chipNames, scoreText } from "./appearance";

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

describe("chipNames", () => {
  it("goes by the name before ' the ', keeping the rest", () => {
    expect(chipNames(["Farah the Finance Director", "Tom the External Accountant"])).toEqual([
      { short: "Farah", rest: " the Finance Director" },
      { short: "Tom", rest: " the External Accountant" },
    ]);
  });
  it("keeps names whole when the short ones would be the same, or there is no ' the '", () => {
    expect(chipNames(["Sam the Store Manager", "sam the Shopper", "Priya Patel"])).toEqual([
      { short: "Sam the Store Manager", rest: "" },
      { short: "sam the Shopper", rest: "" },
      { short: "Priya Patel", rest: "" },
    ]);
  });
  it("never makes an empty short name", () => {
    expect(chipNames(["The Buyer", "the"])).toEqual([
      { short: "The Buyer", rest: "" },
      { short: "the", rest: "" },
    ]);
  });
});
