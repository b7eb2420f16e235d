import { describe, expect, it } from "vitest";
import { isFileUrl, sizeText } from "./upload";

describe("uploaded file addresses", () => {
  it("knows a workspace's and a share link's file addresses, signed or not", () => {
    expect(isFileUrl("/api/workspaces/w_abc/files/f_x1y2")).toBe(true);
    expect(isFileUrl("/api/shared/tok-en_1/files/f_x1y2")).toBe(true);
    expect(isFileUrl("/api/shared/tok/files/f_x1y2?expires=1767225600&key=0af3")).toBe(true);
  });
  it("refuses anything else", () => {
    expect(isFileUrl("https://example.com/api/workspaces/w/files/f")).toBe(false);
    expect(isFileUrl("/api/workspaces/w/files/f/../../x")).toBe(false);
    expect(isFileUrl("/api/workspaces/w/files/f?key=<script>")).toBe(false);
    expect(isFileUrl("javascript:alert(1)")).toBe(false);
    expect(isFileUrl(null)).toBe(false);
  });
  it("says sizes in words", () => {
    expect(sizeText(1)).toBe("1 byte");
    expect(sizeText(2048)).toBe("2 KB");
    expect(sizeText(5 * 1_048_576)).toBe("5.0 MB");
  });
});
