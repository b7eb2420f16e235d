// A map's scope and metadata: name, personas, scenario, goal, type, timeframe, status,
// review date, tags, the sentiment scale, the lanes and the back-story. Every change saves itself.
import { useEffect, useState, useSyncExternalStore } from "react";
import { useParams } from "react-router-dom";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { Loading, useAsync } from "../components/loading";
import { useNotify } from "../components/notices";
import { label } from "../components/words";
import { restTransport, RestMapDocument, type MapDocument } from "../board/document";
import { BUILTIN_LANES, DEFAULT_LANES, type JourneyMap, type MapState } from "../types";
import { useWorkspace } from "../workspace";
import { longDate } from "../components/words";
import { Avatar } from "./avatars";
import { AutoText, ListEditor, swap, FieldBox } from "./fields";
import { MapTabs, PageHeader } from "./layout";
import { MAP_TYPES } from "./mapBadges";
import { ValidationPanel } from "../research/ValidationPanel";
import { SaveIndicator } from "./saving";
import { rescale, rescaleOp } from "../board/scale";

const LANE_HINTS: Record<string, string> = {
  actions: "What the persona does, step by step",
  touchpoints: "Where they meet you: page, email, call, counter",
  channels: "Web, mobile app, email, phone, in store…",
  thinks: "What goes through their head",
  feels: "Their emotions in words",
  sentiment: "The emotion line across the steps",
  pain_points: "Where it hurts, with impact",
  opportunities: "Ideas to make it better",
  backstage: "People, processes and systems behind the scenes",
  metrics: "Numbers per step",
  images: "Screenshots and photos",
  notes: "Anything else",
};

export function MapSettingsPage() {
  const { mapId = "" } = useParams();
  const { state, canEdit } = useWorkspace();
  const notify = useNotify();
  const loaded = useAsync(async () => (await api.get<MapState>(paths.map(state.id, mapId))).data, [state.id, mapId]);
  // The same document the board edits through: edits show at once, are sent one by one and
  // rebased on someone else's change. Made in an effect, so StrictMode's second mount gets its own.
  const [doc, setDoc] = useState<RestMapDocument | null>(null);
  useEffect(() => {
    if (!loaded.data) return;
    const made = new RestMapDocument({
      map: loaded.data.map,
      revision: loaded.data.revision,
      transport: restTransport({ workspaceId: state.id, mapId }),
      canEdit,
    });
    setDoc(made);
    return () => made.dispose();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded.data]);
  useEffect(() => {
    if (doc) doc.events = { ...doc.events, notify };
  }, [doc, notify]);
  if (loaded.error) return <main className="page"><ErrorMessage error={loaded.error} onRetry={loaded.reload} /></main>;
  if (!loaded.data || !doc) return <Loading label="Loading the map…" />;
  return <MapSettings key={mapId} doc={doc} />;
}

/** Words for an edit of the map's own fields, as notices quote it ("change the review date"). */
function editLabel(changes: Partial<JourneyMap>): string {
  return `change the ${Object.keys(changes).map((k) => k.replace(/_/g, " ")).join(" and ")}`;
}

function MapSettings({ doc }: { doc: MapDocument }) {
  const { state, canEdit, reload: reloadWorkspace } = useWorkspace();
  const ws = state.id;
  const { map, status, canEdit: canSave } = useSyncExternalStore(doc.subscribe, doc.getState);
  const [edited, setEdited] = useState(false);
  const change = (changes: Partial<JourneyMap>): boolean => {
    const done = doc.apply({ type: "map", changes }, editLabel(changes));
    if (done) setEdited(true);
    return done !== null;
  };
  const save = (field: keyof JourneyMap) => (value: unknown) => void change({ [field]: value });
  const ro = !canEdit || !canSave;
  const currentStateMaps = state.maps.filter((m) => m.id !== map.id && (m.type === undefined || m.type === "current_state"));

  useEffect(() => {
    document.title = `Settings · ${map.name} · Journeyline`;
  }, [map.name]);

  return (
    <main className="page settings-page">
      <MapTabs workspaceId={ws} mapId={map.id} name={map.name} />
      <PageHeader
        title="Map settings"
        subtitle="Scope the journey: whose it is, which scenario, and what the map shows."
        actions={!ro ? <SaveIndicator status={!edited ? "idle" : status === "offline" ? "error" : status} /> : <span className="badge">Read only</span>}
      />

      <section className="card" aria-labelledby="sec-scope">
        <h2 id="sec-scope">Scope</h2>
        <AutoText label="Name" value={map.name} required readOnly={ro} onSave={save("name")} maxLength={300} />
        <AutoText label="Scenario" value={map.scenario} readOnly={ro} onSave={save("scenario")} multiline rows={2} placeholder="The situation the journey covers, e.g. upgrading before the trial ends" />
        <AutoText label="Goal" value={map.goal} readOnly={ro} onSave={save("goal")} multiline rows={2} placeholder="What the persona wants to achieve" />
        <fieldset className="field">
          <legend className="field-label">Personas</legend>
          {ro ? (
            map.personas.length ? (
              <ul className="persona-chips">
                {map.personas.map((id) => {
                  const p = state.workspace.personas.find((x) => x.id === id) ?? { id, name: id, avatar: null };
                  return <li key={id}><Avatar persona={p} size="sm" /> {p.name}</li>;
                })}
              </ul>
            ) : <span className="muted">—</span>
          ) : state.workspace.personas.length === 0 ? (
            <p className="muted">The workspace has no personas yet: add them under Personas.</p>
          ) : (
            <div className="check-grid">
              {state.workspace.personas.map((p) => (
                <label key={p.id} className="check">
                  <input
                    type="checkbox"
                    disabled={ro}
                    checked={map.personas.includes(p.id)}
                    onChange={(e) => void change({ personas: e.target.checked ? [...map.personas, p.id] : map.personas.filter((x) => x !== p.id) })}
                  />
                  <Avatar persona={p} size="sm" /> {p.name}
                </label>
              ))}
            </div>
          )}
          {!ro && <span className="field-hint">One persona per map works best; choose several for a multi-persona map (one sentiment line each).</span>}
        </fieldset>
        <ChoiceField
          label="Segment"
          value={map.segment ?? ""}
          readOnly={ro}
          options={[["", "No segment"], ...state.workspace.segments.map((s) => [s.id, s.name] as [string, string])]}
          onChange={(v) => void change({ segment: v || null })}
        />
      </section>

      <section className="card" aria-labelledby="sec-meta">
        <h2 id="sec-meta">Type, status and review</h2>
        <div className="grid-2">
          <ChoiceField label="Type" value={map.type} readOnly={ro} options={MAP_TYPES} onChange={(v) => void change({ type: v })} />
          <div className="field">
            <span className="field-label">Status</span>
            <ValidationPanel mapId={map.id} onChanged={() => void doc.refresh()} />
            <span className="field-hint">Hypothesis until research validates it: every key claim needs evidence.</span>
          </div>
          <AutoText label="Timeframe" value={map.timeframe} readOnly={ro} onSave={save("timeframe")} placeholder="e.g. 14 days, a day, a year" />
          <ChoiceField
            label="Depth"
            value={map.depth ?? ""}
            readOnly={ro}
            options={[["", "Not set"], ["high_level", "High level"], ["detailed", "Detailed"]]}
            onChange={(v) => void change({ depth: v || null })}
          />
          <AutoText label="Owner" value={map.owner} readOnly={ro} onSave={save("owner")} placeholder="Who keeps the map up to date" />
          <AutoText label="Review date" type="date" value={ro ? (map.review_date ? longDate(map.review_date) : null) : map.review_date} readOnly={ro} onSave={save("review_date")} hint="After this date the map is listed as stale." />
        </div>
        <TagsField tags={map.tags} readOnly={ro} onSave={(tags) => void change({ tags })} />
        {(map.type === "future_state" || map.based_on) && (
          <ChoiceField
            label="Based on (the current-state map this future state improves)"
            value={map.based_on ?? ""}
            readOnly={ro}
            options={[["", "None"], ...currentStateMaps.map((m) => [m.id, m.name] as [string, string]), ...(map.based_on && !currentStateMaps.some((m) => m.id === map.based_on) ? [[map.based_on, map.based_on] as [string, string]] : [])]}
            onChange={(v) => void change({ based_on: v || null })}
            hint="Used to compare AS-IS and TO-BE: steps removed, pain points resolved, sentiment lift."
          />
        )}
      </section>

      <section className="card" aria-labelledby="sec-scale">
        <h2 id="sec-scale">Sentiment scale</h2>
        <ScaleForm
          scale={map.scale}
          scores={map.stages.flatMap((st) => st.steps.flatMap((x) => [x.emotion, ...Object.values(x.emotions ?? {})]))}
          readOnly={ro}
          onSave={(scale, convert) => {
            if (!convert) return change({ scale: { ...map.scale, ...scale } });
            const done = doc.apply(rescaleOp(map, scale), "change the sentiment scale and convert the scores");
            if (done) setEdited(true);
            return done !== null;
          }}
        />
      </section>

      <section className="card" aria-labelledby="sec-lanes">
        <h2 id="sec-lanes">Lanes</h2>
        <p className="muted">{ro ? "The rows of the map, top to bottom." : "The rows of the map, top to bottom. Tick the lanes to show and put them in order."}</p>
        <LanesEditor
          lanes={map.lanes}
          readOnly={ro}
          onSave={(lanes) => void change({ lanes })}
          onLaneAdded={(id) => {
            reloadWorkspace();
            change({ lanes: [...map.lanes, id] });
          }}
        />
      </section>

      <section className="card" aria-labelledby="sec-story">
        <h2 id="sec-story">Back-story</h2>
        <p className="muted">The persona's situation before the journey starts.</p>
        <AutoText label="Highest-level goal" value={map.backstory.highest_goal} readOnly={ro} onSave={(v) => void change({ backstory: { ...map.backstory, highest_goal: v } })} placeholder="e.g. Improve the team's efficiency" />
        <AutoText label="The story in one paragraph" value={map.backstory.story} readOnly={ro} multiline rows={4} onSave={(v) => void change({ backstory: { ...map.backstory, story: v } })} />
        <div className="grid-3">
          <ListEditor label="Pain points" itemLabel="Pain point" items={map.backstory.pain_points} readOnly={ro} onSave={(v) => void change({ backstory: { ...map.backstory, pain_points: v } })} />
          <ListEditor label="Requirements" itemLabel="Requirement" items={map.backstory.requirements} readOnly={ro} onSave={(v) => void change({ backstory: { ...map.backstory, requirements: v } })} />
          <ListEditor label="Desired outcomes" itemLabel="Outcome" items={map.backstory.outcomes} readOnly={ro} onSave={(v) => void change({ backstory: { ...map.backstory, outcomes: v } })} />
        </div>
      </section>
    </main>
  );
}

function ChoiceField<T extends string>({ label: text, value, options, onChange, readOnly, hint }: { label: string; value: T; options: readonly (readonly [T, string])[]; onChange: (v: T) => void; readOnly?: boolean; hint?: string }) {
  if (readOnly) {
    return (
      <div className="field">
        <span className="field-label">{text}</span>
        <span>{options.find(([v]) => v === value)?.[1] ?? (value || "—")}</span>
      </div>
    );
  }
  return (
    <FieldBox label={text} hint={hint}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onChange(e.target.value as T)}>
          {options.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
        </select>
      )}
    </FieldBox>
  );
}

function TagsField({ tags, onSave, readOnly }: { tags: string[]; onSave: (tags: string[]) => void; readOnly?: boolean }) {
  const [text, setText] = useState(tags.join(", "));
  useEffect(() => setText(tags.join(", ")), [tags]);
  if (readOnly) {
    return (
      <div className="field">
        <span className="field-label">Tags</span>
        {tags.length ? <ul className="tag-list">{tags.map((t) => <li key={t} className="tag">#{t}</li>)}</ul> : <span className="muted">—</span>}
      </div>
    );
  }
  const commit = () => {
    const next = [...new Set(text.split(",").map((t) => t.trim().replace(/^#/, "")).filter(Boolean))];
    if (JSON.stringify(next) !== JSON.stringify(tags)) onSave(next);
  };
  return (
    <FieldBox label="Tags" hint="Separate tags with commas; the map list searches them.">{(a) => <input {...a} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()} placeholder="e.g. trial, self-serve, activation" />}</FieldBox>
  );
}

function ScaleForm({ scale, scores, onSave, readOnly }: { scale: { min: number; max: number }; scores: (number | null)[]; onSave: (s: { min: number; max: number }, convert: boolean) => boolean; readOnly?: boolean }) {
  const [min, setMin] = useState(String(scale.min));
  const [max, setMax] = useState(String(scale.max));
  const [convert, setConvert] = useState(true);
  useEffect(() => {
    setMin(String(scale.min));
    setMax(String(scale.max));
  }, [scale.min, scale.max]);
  if (readOnly) return <p>Emotion scores run from <strong>{scale.min}</strong> (worst) to <strong>{scale.max}</strong> (best).</p>;
  const a = Number(min);
  const b = Number(max);
  const invalid = min === "" || max === "" || Number.isNaN(a) || Number.isNaN(b) || a >= b;
  const changed = a !== scale.min || b !== scale.max;
  const scored = scores.filter((v) => v !== null && v !== undefined).length;
  const outside = invalid || (convert && scored > 0) ? 0 : scores.filter((v) => v !== null && (v < a || v > b)).length;
  return (
    <form
      className="scale-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) void onSave({ min: a, max: b }, convert && scored > 0);
      }}
    >
      <p className="muted">Emotion scores run from the lowest (worst) to the highest (best); the middle is neutral.</p>
      <div className="row">
        <label className="field small-field">
          <span className="field-label">Lowest score</span>
          <input type="number" step="any" value={min} onChange={(e) => setMin(e.target.value)} />
        </label>
        <label className="field small-field">
          <span className="field-label">Highest score</span>
          <input type="number" step="any" value={max} onChange={(e) => setMax(e.target.value)} />
        </label>
        <span className="muted">Presets:</span>
        <button type="button" onClick={() => { setMin("-5"); setMax("5"); }}>−5 … +5</button>
        <button type="button" onClick={() => { setMin("1"); setMax("5"); }}>1 … 5</button>
        <button type="submit" className="primary" disabled={invalid || !changed}>{outside && changed ? "Apply anyway" : "Apply scale"}</button>
      </div>
      {changed && !invalid && scored > 0 && (
        <label className="check">
          <input type="checkbox" checked={convert} onChange={(e) => setConvert(e.target.checked)} />
          Convert the {scored} existing {scored === 1 ? "score" : "scores"} to the new scale (each keeps its place between worst and best: {scale.min} becomes {a}, {(scale.min + scale.max) / 2} becomes {rescale((scale.min + scale.max) / 2, scale, { min: a, max: b })}, {scale.max} becomes {b})
        </label>
      )}
      {invalid && <p className="field-error" role="alert">The lowest score must be a number below the highest.</p>}
      {changed && outside > 0 && (
        <p className="hint-box" role="status">
          {outside} emotion {outside === 1 ? "score lies" : "scores lie"} outside {a} … {b}. Tick “Convert” to move them with the scale, or correct them on the board after applying it.
        </p>
      )}
    </form>
  );
}

function LanesEditor({ lanes, onSave, readOnly, onLaneAdded }: { lanes: string[]; onSave: (l: string[]) => void; readOnly?: boolean; onLaneAdded: (id: string) => void }) {
  const { state } = useWorkspace();
  const notify = useNotify();
  const custom = state.workspace.lanes;
  const nameOf = (id: string) => custom.find((l) => l.id === id)?.name ?? label(id);
  const hintOf = (id: string) => custom.find((l) => l.id === id)?.description ?? LANE_HINTS[id] ?? "";
  const hidden = [...BUILTIN_LANES.filter((l) => !lanes.includes(l)), ...custom.map((l) => l.id).filter((id) => !lanes.includes(id))];
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const isCustom = (id: string) => !(BUILTIN_LANES as readonly string[]).includes(id);

  if (readOnly) {
    return (
      <ol className="lane-list">
        {lanes.map((id) => <li key={id} className="lane-row"><span className="lane-name">{nameOf(id)}</span>{isCustom(id) && <span className="badge">Custom</span>}</li>)}
      </ol>
    );
  }
  return (
    <>
      <ol className="lane-list" aria-label="Lanes shown">
        {lanes.map((id, i) => (
          <li key={id} className="lane-row">
            <label className="check">
              <input type="checkbox" checked onChange={() => onSave(lanes.filter((l) => l !== id))} aria-label={`Show ${nameOf(id)}`} />
              <span className="lane-name">{nameOf(id)}</span>
            </label>
            {isCustom(id) && <span className="badge">Custom</span>}
            <span className="lane-hint">{hintOf(id)}</span>
            <span className="lane-move">
              <button type="button" className="icon" aria-label={`Move ${nameOf(id)} up`} disabled={i === 0} onClick={() => onSave(swap(lanes, i, i - 1))}>↑</button>
              <button type="button" className="icon" aria-label={`Move ${nameOf(id)} down`} disabled={i === lanes.length - 1} onClick={() => onSave(swap(lanes, i, i + 1))}>↓</button>
            </span>
          </li>
        ))}
      </ol>
      {[
        { title: "Hidden lanes", ids: hidden.filter((id) => !isCustom(id)), note: null as string | null },
        {
          title: "The workspace's other custom lanes",
          ids: hidden.filter(isCustom),
          note: "Custom lanes belong to the workspace, so every map can use the same ones (a template adds its own there). This map shows only the lanes ticked above.",
        },
      ]
        .filter((group) => group.ids.length > 0)
        .map((group) => (
          <div key={group.title}>
            <h3 className="lane-subhead">{group.title}</h3>
            {group.note && <p className="muted lane-note">{group.note}</p>}
            <ul className="lane-list hidden-lanes" aria-label={group.title}>
              {group.ids.map((id) => (
                <li key={id} className="lane-row">
                  <label className="check">
                    <input type="checkbox" checked={false} onChange={() => onSave([...lanes, id])} aria-label={`Show ${nameOf(id)}`} />
                    <span className="lane-name">{nameOf(id)}</span>
                  </label>
                  {isCustom(id) && <span className="badge">Custom</span>}
                  <span className="lane-hint">{hintOf(id)}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      <div className="row lane-tools">
        <button type="button" className="quiet" onClick={() => onSave([...DEFAULT_LANES])} disabled={JSON.stringify(lanes) === JSON.stringify(DEFAULT_LANES)}>Reset to the default lanes</button>
      </div>
      <form
        className="add-lane"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!name.trim()) return;
          setBusy(true);
          setError(null);
          try {
            const current = await api.get<{ revision: number }>(paths.workspaceElements(state.id, "lanes"));
            const reply = await api.post<{ element: { id: string; name: string } }>(
              paths.workspaceElements(state.id, "lanes"),
              { name: name.trim(), description: description.trim() || null },
              { ifMatch: current.etag ?? current.data.revision },
            );
            onLaneAdded(reply.data.element.id);
            notify(`Added the lane “${reply.data.element.name}”. Every map in the workspace can use it.`, "success");
            setName("");
            setDescription("");
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h3>Add a custom lane</h3>
        <div className="row align-end">
          <label className="field grow">
            <span className="field-label">Lane name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Regulations, Partners, Physical evidence" maxLength={200} />
          </label>
          <label className="field grow">
            <span className="field-label">What goes in it (optional)</span>
            <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} />
          </label>
          <button type="submit" className="field-button" disabled={busy || !name.trim()}>{busy ? "Adding…" : "Add lane"}</button>
        </div>
        <ErrorMessage error={error} />
      </form>
    </>
  );
}
