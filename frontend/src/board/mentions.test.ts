import { describe, expect, it } from "vitest";
import { insertMention, matchMembers, mentionAt, withMentions } from "./mentions";

const people = [
  { account: "a1", name: "Priya Shah", email: "priya@example.org" },
  { account: "a2", name: "Ann Lee", email: "ann@example.org" },
  { account: "a3", name: "Tom", email: "shah.t@example.org" },
];

describe("mentions", () => {
  it("finds the @ being typed, not e-mail addresses", () => {
    expect(mentionAt("hi @Pri", 7)).toEqual({ start: 3, query: "Pri" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("mail ann@exa", 12)).toBeNull();
    expect(mentionAt("@Priya Shah is", 14)).toEqual({ start: 0, query: "Priya Shah is" });
    expect(mentionAt("@a\nb", 4)).toBeNull();
    expect(mentionAt("no at here", 5)).toBeNull();
  });
  it("matches names first, then words of names, then addresses", () => {
    expect(matchMembers(people, "sh").map((m) => m.name)).toEqual(["Priya Shah", "Tom"]);
    expect(matchMembers(people, "").length).toBe(3);
    expect(matchMembers(people, "zz")).toEqual([]);
  });
  it("inserts the whole name and puts the caret after it", () => {
    const at = mentionAt("ask @pr now", 7)!;
    expect(insertMention("ask @pr now", at, people[0])).toEqual({ text: "ask @Priya Shah now", caret: 16 });
  });
});

describe("withMentions", () => {
  it("marks the members a comment mentions, as the server reads them", () => {
    expect(withMentions("ask @priya shah, not @Pri or ann@example.org", people)).toEqual([
      { text: "ask ", mention: false },
      { text: "@priya shah", mention: true },
      { text: ", not @Pri or ann@example.org", mention: false },
    ]);
    expect(withMentions("no mention", people)).toEqual([{ text: "no mention", mention: false }]);
  });
});
