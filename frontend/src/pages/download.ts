// Files from the API handed to the browser as downloads (exports, renders, backups).
import { request, type RequestOptions } from "../api";

function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = disposition.match(/filename\*=(?:UTF-8'')?([^;]+)/i);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      /* fall through */
    }
  }
  const plain = disposition.match(/filename="?([^";]+)"?/i);
  return plain ? plain[1] : null;
}

/** Fetches a file from the API and hands it to the browser as a download; returns its name. */
export async function download(path: string, query: RequestOptions["query"], fallbackName: string): Promise<string> {
  const reply = await request(path, { query, raw: true, headers: { Accept: "*/*" } });
  const blob = await reply.response.blob();
  const name = filenameFrom(reply.response.headers.get("Content-Disposition")) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return name;
}
