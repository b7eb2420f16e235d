// Upload a file into the workspace: maps, personas, segments, lanes and evidence, by id.
import { useState } from "react";
import { Link } from "react-router-dom";
import { ApiError, api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { useAsync } from "../components/loading";
import { useNotify } from "../components/notices";

interface ImportReport {
  added_maps: string[]; replaced_maps: string[]; workspace_elements: string[]; map_names?: Record<string, string>;
  warnings: { message: string; file?: string | null; line?: number | null; column?: number | null }[];
}
interface FormatInfo { name: string; extensions: string[]; description: string; import: boolean; export: boolean }

export function ImportForm({ workspaceId, onImported }: { workspaceId: string; onImported: (report: ImportReport) => void }) {
  const notify = useNotify();
  const formats = useAsync(async () => (await api.get<FormatInfo[]>(paths.formats())).data, []);
  const readable = (formats.data ?? []).filter((f) => f.import);
  // .zip: a workspace folder with its files (as "Workspace folder" exports it).
  const accept = [...readable.flatMap((f) => f.extensions), ".zip"].join(",") || ".yaml,.yml,.json,.csv,.xlsx,.mmd,.mermaid,.zip";
  const [file, setFile] = useState<File | null>(null);
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const clash = error instanceof ApiError && error.status === 409;

  return (
    <form
      className="import-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return;
        setBusy(true);
        setError(null);
        setReport(null);
        try {
          const body = new FormData();
          body.append("file", file, file.name);
          const reply = await api.post<ImportReport>(paths.importInto(workspaceId), body, { query: { replace: replace || undefined } });
          setReport(reply.data);
          notify(`Imported ${file.name}.`, "success");
          onImported(reply.data);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <p className="muted">
        Bring in maps and personas from a file:{" "}
        {readable.length ? readable.map((f) => f.extensions[0]).join(", ") : "YAML, JSON, CSV, Excel or Mermaid"}. New maps are added; personas and
        segments with the same id are updated.
      </p>
      <label className="field file-drop">
        <span className="field-label">File to import</span>
        <input
          type="file"
          accept={accept}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setError(null);
            setReport(null);
          }}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
        Replace maps that already exist (their current version stays in the history)
      </label>
      {clash && !replace && <p className="hint-box">Some maps in this file are already in the workspace. Tick “Replace maps that already exist” to store the file's version as a new revision.</p>}
      <ErrorMessage error={error} />
      {report && (
        <div className="import-report" role="status">
          <strong>Imported.</strong>
          <ul>
            {report.added_maps.map((m) => (
              <li key={m}>Added map <Link to={`/w/${encodeURIComponent(workspaceId)}/maps/${encodeURIComponent(m)}`}>{report.map_names?.[m] ?? m}</Link></li>
            ))}
            {report.replaced_maps.map((m) => (
              <li key={m}>Replaced map <Link to={`/w/${encodeURIComponent(workspaceId)}/maps/${encodeURIComponent(m)}`}>{report.map_names?.[m] ?? m}</Link></li>
            ))}
            {report.workspace_elements.length > 0 && <li>Added or updated {report.workspace_elements.length} personas, segments, lanes or evidence</li>}
            {report.added_maps.length + report.replaced_maps.length + report.workspace_elements.length === 0 && <li>The file held nothing new.</li>}
          </ul>
          {report.warnings.length > 0 && (
            <>
              <strong>Warnings</strong>
              <ul className="warnings">
                {report.warnings.map((w, i) => (
                  <li key={i}>{[w.file, w.line, w.column].filter((x) => x !== null && x !== undefined).join(":")}{w.file ? ": " : ""}{w.message}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={!file || busy}>{busy ? "Importing…" : "Import file"}</button>
      </div>
    </form>
  );
}
