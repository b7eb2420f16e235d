// The board toolbar's "Export" menu: every file format the server writes, and the map drawn
// as SVG, PNG or PDF. Downloads go through fetch, so errors show the server's message.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, paths } from "../api";
import { errorText } from "../components/errors";
import { useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { download } from "./download";
import "./pages.css";

export interface ExportMenuProps { workspaceId: string; mapId: string; mapName: string }

interface FormatInfo { name: string; extensions: string[]; description: string; import: boolean; export: boolean }
interface Item { key: string; label: string; detail: string; run: () => Promise<string>; slow?: boolean }

const FORMAT_DETAILS: Record<string, string> = {
  yaml: "This map and its personas; imports back without loss",
  json: "This map and its personas; imports back without loss",
  mermaid: "A Mermaid journey diagram for docs and wikis",
  csv: "A spreadsheet: stages as columns, lanes as rows",
  xlsx: "An Excel workbook with Persona and Map sheets",
  markdown: "A document to read: scope, persona, stages, pain points",
};

const FORMAT_NAMES: Record<string, string> = {
  yaml: "YAML", json: "JSON", csv: "CSV spreadsheet", xlsx: "Excel workbook", mermaid: "Mermaid diagram", markdown: "Markdown",
};

function slug(name: string): string {
  return name.normalize("NFKD").replace(/[^\w\s-]/g, "").trim().toLowerCase().replace(/[\s_]+/g, "-").slice(0, 80);
}

export function ExportMenu({ workspaceId, mapId, mapName }: ExportMenuProps) {
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const formats = useAsync(async () => (opened ? (await api.get<FormatInfo[]>(paths.formats())).data : []), [opened]);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", away);
    const first = menu.current?.querySelector<HTMLElement>('[role="menuitem"]');
    first?.focus();
    return () => document.removeEventListener("mousedown", away);
  }, [open, formats.data]);
  useEffect(() => {
    if (!busy) return;
    setElapsed(0);
    const t = window.setInterval(() => setElapsed((s) => s + 1), 1000);
    return () => window.clearInterval(t);
  }, [busy]);

  const base = slug(mapName) || mapId;
  const render = (fmt: "svg" | "png" | "pdf", paperSize?: string) => () =>
    download(paths.render(workspaceId, mapId, fmt), paperSize ? { paper: paperSize } : undefined, `${base}${paperSize && paperSize !== "fit" ? "-" + paperSize.toLowerCase() : ""}.${fmt}`);
  const pictures: Item[] = [
    { key: "svg", label: "SVG image", detail: "Sharp at any size; for slides and wikis", run: render("svg") },
    { key: "png", label: "PNG image", detail: "A picture to paste anywhere", run: render("png"), slow: true },
    { key: "pdf", label: "PDF document", detail: "The whole map on one page, to send to stakeholders", run: render("pdf", "fit"), slow: true },
    { key: "pdf-a4", label: "PDF on A4 pages", detail: "To print: cover page, then the stages", run: render("pdf", "A4"), slow: true },
    { key: "pdf-a3", label: "PDF on A3 pages", detail: "To print large for a workshop wall", run: render("pdf", "A3"), slow: true },
  ];
  const files: Item[] = (formats.data ?? [])
    .filter((f) => f.export)
    .map((f) => ({
      key: `file-${f.name}`,
      label: `${FORMAT_NAMES[f.name] ?? f.name.toUpperCase()} (${f.extensions[0]})`,
      detail: FORMAT_DETAILS[f.name] ?? f.description,
      run: () => download(paths.exportMap(workspaceId, mapId), { format: f.name }, `${mapId}${f.extensions[0] ?? ""}`),
    }));

  const run = async (item: Item) => {
    setOpen(false);
    button.current?.focus();
    setBusy(item.label);
    setFailure(null);
    try {
      const name = await item.run();
      notify(`Downloaded ${name}.`, "success");
    } catch (e) {
      const text = `Could not export the ${item.label}: ${errorText(e)}`;
      setFailure(text);
      notify(text, "error");
    } finally {
      setBusy(null);
    }
  };

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const focus = (n: number) => items[(n + items.length) % items.length]?.focus();
    if (e.key === "ArrowDown") focus(i + 1);
    else if (e.key === "ArrowUp") focus(i - 1);
    else if (e.key === "Home") focus(0);
    else if (e.key === "End") focus(items.length - 1);
    else if (e.key === "Escape") {
      setOpen(false);
      button.current?.focus();
    } else if (e.key === "Tab") {
      setOpen(false);
      return;
    } else return;
    e.preventDefault();
  };

  const entry = (item: Item) => (
    <button key={item.key} type="button" role="menuitem" tabIndex={-1} className="menu-item" disabled={busy !== null} aria-disabled={busy !== null} onClick={() => void run(item)}>
      <span className="menu-item-label">{item.label}</span>
      <span className="menu-item-detail">{item.detail}</span>
    </button>
  );

  return (
    <div className="export-menu" ref={box}>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-busy={busy !== null}
        onClick={() => {
          setOpened(true);
          setOpen((o) => !o);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && !open) {
            e.preventDefault();
            setOpened(true);
            setOpen(true);
          }
        }}
      >
        {busy ? <span className="spinner small" aria-hidden="true" /> : <span aria-hidden="true">⤓</span>}
        Export
      </button>
      <span className="visually-hidden" role="status" aria-live="polite">{busy ? `Exporting the ${busy}…` : ""}</span>
      {open && (
        <div className="menu" role="menu" aria-label="Export" ref={menu} onKeyDown={onMenuKey}>
          <div className="menu-group" role="group" aria-label="Pictures">
            <div className="menu-heading" aria-hidden="true">Picture of the map</div>
            {pictures.map(entry)}
          </div>
          <div className="menu-group" role="group" aria-label="Files">
            <div className="menu-heading" aria-hidden="true">File</div>
            {formats.error ? <div className="menu-note">Could not load the formats: {errorText(formats.error)}</div> : null}
            {formats.loading && <div className="menu-note">Loading formats…</div>}
            {files.map(entry)}
          </div>
        </div>
      )}
      {busy && (
        <div className="export-progress" aria-hidden="true">
          <span className="spinner small" /> Exporting the {busy}… {elapsed > 1 && <span className="muted">{elapsed} s</span>}
          {/(PNG|PDF)/.test(busy) && elapsed > 1 && <span className="muted"> — drawing the map takes a few seconds</span>}
        </div>
      )}
      {failure && !busy && (
        <div className="export-error" role="alert">
          <span>{failure}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => setFailure(null)}>×</button>
        </div>
      )}
    </div>
  );
}
