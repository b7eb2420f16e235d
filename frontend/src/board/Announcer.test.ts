import { describe, expect, it } from "vitest";
import { othersSentence } from "./Announcer";

describe("what a screen reader hears of others' edits", () => {
  it("names who is on the map, once each, and says 'others' for a crowd or nobody known", () => {
    expect(othersSentence([])).toBe("The map was changed by others.");
    expect(othersSentence(["Ana", "Ana"])).toBe("The map was changed by Ana.");
    expect(othersSentence(["Ana", "Ben", "Chloé"])).toBe("The map was changed by Ana, Ben and Chloé.");
    expect(othersSentence(["A", "B", "C", "D"])).toBe("The map was changed by others.");
  });
});
