import { describe, expect, it } from "vitest";
import { plural, pluralOf } from "./words";

describe("plural", () => {
  it("writes one and many the same way everywhere", () => {
    expect(plural(1, "vote")).toBe("1 vote");
    expect(plural(2, "vote")).toBe("2 votes");
    expect(plural(0, "persona")).toBe("0 personas");
    expect(plural(1, "persona")).toBe("1 persona");
    expect(plural(3, "pain point")).toBe("3 pain points");
    expect(plural(2, "opportunity")).toBe("2 opportunities");
    expect(plural(5, "evidence")).toBe("5 evidence");
    expect(plural(2, "match")).toBe("2 matches");
    expect(plural(2, "day")).toBe("2 days");
    expect(plural(2, "child", "children")).toBe("2 children");
    expect(pluralOf("Stage")).toBe("Stages");
  });
});
