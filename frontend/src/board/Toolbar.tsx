// The board's toolbar: the map's name (editable), its personas, the save indicator, undo and
// redo, adding stages, steps, pain points and opportunities, the findings and comments
// panels, and the way to the map's settings, history, presentation, export and sharing.
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { LABELS } from "../components/words";
import { ExportMenu } from "../pages/ExportMenu";
import { PresenceAvatars } from "./live/PresenceView";
import { addOpportunityFromToolbar, addPainPointFromToolbar, addStageFromToolbar, addStepFromToolbar } from "./actions";
import { useMeta } from "./context";
import { chipNames, safeImageUrl } from "./appearance";
import { seriesOf } from "./Sentiment";
import { useBoard, useStore } from "./store";
import { WorkshopButton } from "../workshop/WorkshopButton";

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

export function Toolbar({ workspaceId, onShare, onShortcuts }: { workspaceId: string; onShare: () => void; onShortcuts: () => void }) {
  const store = useStore();
  const map = useBoard((s) => s.map);
  const canEdit = useBoard((s) => s.canEdit);
  const canUndo = useBoard((s) => s.canUndo);
  const canRedo = useBoard((s) => s.canRedo);
  const undoLabel = useBoard((s) => s.undoLabel);
  const redoLabel = useBoard((s) => s.redoLabel);
  const findings = useBoard((s) => s.findings.length);
  const openComments = useBoard((s) => s.comments.filter((c) => !c.resolved).length);
  const panel = useBoard((s) => s.panel?.type ?? null);
  const mod = isMac() ? "⌘" : "Ctrl+";
  const navigate = useNavigate();
  const canComment = useBoard((s) => s.canComment);
  const base = `/w/${encodeURIComponent(workspaceId)}/maps/${encodeURIComponent(map.id)}`;
  return (
    <div className="board-toolbar">
      <div className="toolbar-row">
        <MapName />
        <span className="map-facts">
          <span className="b-tag b-tag-plain">{LABELS[map.type] ?? map.type}</span>
          <span className={`b-tag ${map.status === "validated" ? "b-tag-validated" : "b-tag-plain"}`}>{LABELS[map.status] ?? map.status}</span>
        </span>
        <PersonaChips workspaceId={workspaceId} />
        {/* Wraps onto its own line, at the right, when the window is narrow. */}
        <div className="toolbar-end">
        <PresenceAvatars />
        <SaveIndicator />
        <nav className="map-links" aria-label="This map">
          <Link className="button quiet" to={`${base}/settings`}>
            Settings
          </Link>
          <Link className="button quiet" to={`${base}/history`}>
            History
          </Link>
          <button type="button" className="quiet" onClick={() => navigate(`${base}/present`)} title="Presentation mode for stakeholders">
            Present
          </button>
          <WorkshopButton workspaceId={workspaceId} mapId={map.id} mapName={map.name} canEdit={canEdit} />
        </nav>
        <ExportMenu workspaceId={workspaceId} mapId={map.id} mapName={map.name} />
        <button type="button" className="primary" onClick={onShare}>
          Share
        </button>
        </div>
      </div>
      <div className="toolbar-row tools">
        {canEdit && (
          <div className="tool-group" role="group" aria-label="Undo and redo">
            <button type="button" disabled={!canUndo} onClick={() => store.undo()} aria-label="Undo" title={canUndo ? `Undo ${undoLabel} (${mod}Z)` : `Nothing to undo (${mod}Z)`}>
              <span aria-hidden="true">↶</span> Undo
            </button>
            <button type="button" disabled={!canRedo} onClick={() => store.redo()} aria-label="Redo" title={canRedo ? `Redo ${redoLabel} (${mod}Shift+Z)` : `Nothing to redo (${mod}Shift+Z)`}>
              <span aria-hidden="true">↷</span> Redo
            </button>
          </div>
        )}
        {canEdit && (
          <div className="tool-group" role="group" aria-label="Add to the map">
            <button type="button" onClick={() => addStageFromToolbar(store)} title="Add a stage after the selected one (or at the end)">
              <span aria-hidden="true">+</span> Add stage
            </button>
            <button type="button" onClick={() => addStepFromToolbar(store)} title="Add a step after the selected one (or at the end)">
              <span aria-hidden="true">+</span> Add step
            </button>
            <button type="button" onClick={() => addPainPointFromToolbar(store)} title="Add a pain point at the selected step">
              <span aria-hidden="true">+</span> Add pain point
            </button>
            <button type="button" onClick={() => addOpportunityFromToolbar(store)} title="Add an opportunity at the selected step or pain point">
              <span aria-hidden="true">+</span> Add opportunity
            </button>
          </div>
        )}
        {!canEdit && <span className="muted b-small">You can view this map{canComment ? ", comment on it and vote" : ""}; editors change it.</span>}
        <span className="spacer" />
        <div className="tool-group" role="group" aria-label="Panels">
          <button type="button" aria-pressed={panel === "findings"} onClick={() => store.session.open(panel === "findings" ? null : { type: "findings" })}>
            Findings {findings > 0 && <span className="b-count">{findings}</span>}
          </button>
          <button type="button" aria-pressed={panel === "comments"} onClick={() => store.session.open(panel === "comments" ? null : { type: "comments" })}>
            Comments {openComments > 0 && <span className="b-count">{openComments}</span>}
          </button>
          <button type="button" className="quiet" aria-label="Keyboard shortcuts" title="Keyboard shortcuts" onClick={onShortcuts}>
            ?
          </button>
        </div>
      </div>
    </div>
  );
}

function MapName() {
  const store = useStore();
  const name = useBoard((s) => s.map.name);
  const canEdit = useBoard((s) => s.canEdit);
  const [draft, setDraft] = useState(name);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(name);
  }, [name, focused]);
  if (!canEdit) return <h1 className="map-name" title={name}>{name}</h1>;
  const commit = () => {
    const text = draft.trim();
    const current = store.getState().map.name;
    if (!text) setDraft(current);
    else if (text !== current) store.dispatch({ type: "map", changes: { name: text } }, "rename the map");
  };
  return (
    <h1 className="map-name" title={name}>
      <input
        className="map-name-input"
        aria-label="Map name"
        value={draft}
        maxLength={300}
        size={Math.max(8, Math.min(64, draft.length + 1))}
        onChange={(e) => setDraft(e.target.value)}
        onFocus={() => setFocused(true)}
        onBlur={() => {
          setFocused(false);
          commit();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            (e.target as HTMLInputElement).blur();
          } else if (e.key === "Escape") {
            e.preventDefault();
            setDraft(name);
            setTimeout(() => (e.target as HTMLInputElement).blur());
          }
        }}
      />
    </h1>
  );
}

function PersonaChips({ workspaceId }: { workspaceId: string }) {
  const map = useBoard((s) => s.map);
  const columns = useBoard((s) => s.derived.columns);
  const chosen = useBoard((s) => s.persona);
  const store = useStore();
  const meta = useMeta();
  const series = seriesOf(map, meta.personas, columns);
  const multi = series.length > 1;
  if (!map.personas.length) return null;
  const named = chipNames(map.personas.map((id) => meta.personas.find((x) => x.id === id)?.name ?? id));
  return (
    <ul className="board-personas" aria-label={multi ? "Personas: choose whose sentiment line to edit" : "Persona"}>
      {map.personas.map((id, i) => {
        const p = meta.personas.find((x) => x.id === id);
        const name = p?.name ?? id;
        const avatar = p?.avatar ?? "";
        const img = safeImageUrl(avatar);
        const face = img && !/^[^\w/:.]{1,8}$/.test(avatar) && avatar.length > 8 ? (
          <img src={img} alt="" className="board-avatar" referrerPolicy="no-referrer" />
        ) : (
          <span className="board-avatar" aria-hidden="true">
            {avatar && avatar.length <= 8 ? avatar : name.charAt(0)}
          </span>
        );
        const active = multi && (chosen ?? map.personas[0]) === id;
        return (
          <li key={id}>
            {multi ? (
              <button
                type="button"
                className={active ? "persona-chip on" : "persona-chip"}
                aria-pressed={active}
                title={`Edit ${name}'s sentiment line`}
                onClick={() => store.session.setPersona(id)}
                style={{ borderColor: active ? series[i]?.colour : undefined }}
              >
                {face}
                {/* On a narrow window the chip goes by the short name; the rest is read out. */}
                <span className="persona-chip-name">
                  {named[i].short}
                  {named[i].rest && <span className="persona-chip-rest">{named[i].rest}</span>}
                </span>
                {series[i] && <LineSample colour={series[i].colour} dash={series[i].dash} />}
              </button>
            ) : (
              <Link className="persona-chip" to={`/w/${encodeURIComponent(workspaceId)}/personas/${encodeURIComponent(id)}`} title={p?.role ?? "Open the persona"}>
                {face}
                <span className="persona-chip-name">{name}</span>
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A short piece of a persona's sentiment line (its colour and dash), as in the legend. */
export function LineSample({ colour, dash }: { colour: string; dash: string }) {
  return (
    <svg className="line-sample" width="22" height="8" aria-hidden="true" focusable="false">
      <line x1="1" y1="4" x2="21" y2="4" stroke={colour} strokeWidth="2.5" strokeDasharray={dash || undefined} strokeLinecap="round" />
    </svg>
  );
}

function SaveIndicator() {
  const status = useBoard((s) => s.status);
  const text = useBoard((s) => s.statusText);
  const canEdit = useBoard((s) => s.canEdit);
  const store = useStore();
  if (!canEdit) return null;
  const shown = status === "saved" ? "Saved" : status === "saving" ? "Saving…" : status === "offline" ? text : "Couldn't save";
  return (
    <div className={`save-status ${status}`} title={text} data-save-status={status}>
      <span className="save-dot" aria-hidden="true" />
      <span>{shown}</span>
      {status === "error" && text.includes("retrying") && (
        <button type="button" className="link" onClick={() => store.document.retry()}>
          Retry now
        </button>
      )}
    </div>
  );
}
