import { describe, expect, it } from "vitest";
import { mergeText } from "./textMerge";

describe("mergeText", () => {
  it("keeps both people's typing", () => {
    expect(mergeText("Search", "Search Google", "Web Search")).toBe("Web Search Google");
    expect(mergeText("Search", "Web Search", "Search Google")).toBe("Web Search Google");
    const both = mergeText("Search", "Search Google", "Search Bing");
    expect(both).toContain("Google");
    expect(both).toContain("Bing");
  });
  it("applies a deletion next to their insertion", () => {
    expect(mergeText("Read the pricing page", "Read pricing page", "Read the pricing page twice")).toBe("Read pricing page twice");
  });
  it("keeps their text when both replaced the same word", () => {
    expect(mergeText("a cat b", "a dog b", "a cow b")).toBe("a cowdog b");
  });
  it("answers the one change when only one side changed", () => {
    expect(mergeText("x", "x", "y")).toBe("y");
    expect(mergeText("x", "y", "x")).toBe("y");
    expect(mergeText("x", "y", "y")).toBe("y");
  });
});
