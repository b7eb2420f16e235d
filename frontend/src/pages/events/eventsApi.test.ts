import { describe, expect, it } from "vitest";
import { collectorSnippets, duration, matchersText, percent } from "./eventsApi";
import { optionsToSend } from "./AnalysesView";

describe("collector snippets", () => {
  const key = { write_key: "k'ey", endpoint: "https://jl.example.org/api/collect/v1/batch", api_host: "https://jl.example.org/api/collect" };
  it("point Segment's libraries at the collector", () => {
    const [web, python, curl] = collectorSnippets(key);
    expect(web.code).toContain('apiHost: "jl.example.org/api/collect/v1"');
    expect(web.code).toContain('protocol: "https"');
    expect(python.code).toContain('analytics.host = "https://jl.example.org/api/collect"');
    // The key is quoted for the shell, whatever it holds.
    expect(curl.code).toContain(`-u 'k'\\''ey:'`);
    expect(curl.code).toContain("https://jl.example.org/api/collect/v1/batch");
  });
});

describe("words", () => {
  it("durations and shares as people read them", () => {
    expect(duration(42)).toBe("42 s");
    expect(duration(3 * 3600 + 300)).toBe("3 h 5 min");
    expect(duration(null)).toBe("—");
    expect(percent(0.4333)).toBe("43%");
    expect(percent(0.051)).toBe("5.1%");
  });
  it("a step's matchers as an anchor", () => {
    expect(matchersText([{ event: "Viewed", match: "exact", where: {} }, { event: "^Open", match: "regex", where: { plan: "pro" } }])).toBe("Viewed|/^Open/[plan=pro]");
  });
});

describe("analysis options", () => {
  const funnel = {
    name: "funnel", summary: "", needs_map: false,
    options: [
      { name: "steps", type: "string" as const, default: null, required: true, help: "" },
      { name: "breakdown_limit", type: "integer" as const, default: 8, required: false, help: "" },
      { name: "exclude", type: "array" as const, default: [], required: false, help: "" },
      { name: "window", type: "string" as const, default: "14d", required: false, help: "" },
    ],
  };
  it("send what was filled in, typed, and leave the rest to the defaults", () => {
    expect(optionsToSend(funnel, { steps: ["home", " cart ", ""], breakdown_limit: "3", exclude: "help, promo", window: "" })).toEqual({
      steps: "home,cart", breakdown_limit: 3, exclude: ["help", "promo"],
    });
  });
});
