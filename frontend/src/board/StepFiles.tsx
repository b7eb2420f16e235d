// A step's picture (the images lane) and the evidence that grounds it, with its files:
// upload a picture or drop one on the panel; attach an interview's recording, a PDF or a
// photo to the step's evidence (or start a new piece of evidence from a file).
import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { request } from "../api";
import { FileDrop, isFileUrl, sizeText, type UploadedFile } from "../components/upload";
import type { Evidence, JourneyMap, Step } from "../types";
import { updateElement } from "./actions";
import { safeImageUrl } from "./appearance";
import { TextField, Section } from "./fields";
import { newId } from "./ops";
import type { BoardStore } from "./store";

type Setter = (changes: Record<string, unknown>, what?: string) => void;

/** The step's picture: a preview, an upload button (and drop zone), and its address. */
export function StepPicture({ step, set, ro }: { step: Step; set: Setter; ro: boolean }) {
  const { workspaceId = "" } = useParams();
  const src = safeImageUrl(step.image);
  const [broken, setBroken] = useState<string | null>(null);
  const imageOk = step.image ? src !== null : true;
  return (
    <>
      {src && broken !== src && (
        <div className="file-preview">
          <img src={src} alt={`Picture of the step ‘${step.name}’`} referrerPolicy="no-referrer" onError={() => setBroken(src)} data-testid="step-image-preview" />
          {!ro && (
            <button type="button" className="quiet" onClick={() => set({ image: null }, "image")}>
              Remove the picture
            </button>
          )}
        </div>
      )}
      {src && broken === src && <p className="field-error">The picture cannot be shown: it was deleted, or its address is wrong. Upload it again.</p>}
      {!ro && (
        <FileDrop
          workspaceId={workspaceId}
          use="image"
          label={step.image ? "Upload another picture" : "Upload a picture"}
          onUploaded={(f) => set({ image: f.url }, "image")}
          testId="step-image-upload"
        />
      )}
      <TextField
        label="Image address"
        value={step.image}
        readOnly={ro}
        inputMode="url"
        hint={imageOk ? "An uploaded picture, or an https:, data:image or relative address." : "Not shown: only uploaded pictures and data:image, https: and relative addresses are drawn."}
        onCommit={(v) => set({ image: v }, "image")}
      />
    </>
  );
}

const about = new Map<string, Promise<UploadedFile | null>>();

/** An uploaded file's name, type and size (read once per address). */
function useAbout(url: string): UploadedFile | null | undefined {
  const [meta, setMeta] = useState<UploadedFile | null | undefined>(undefined);
  useEffect(() => {
    if (!url.startsWith("/api/workspaces/")) {
      setMeta(null);
      return;
    }
    let live = true;
    if (!about.has(url)) about.set(url, request<UploadedFile>(`${url}/about`).then((r) => r.data, () => null));
    about.get(url)!.then((m) => live && setMeta(m));
    return () => {
      live = false;
    };
  }, [url]);
  return meta;
}

/** One attachment: an image, a player for audio and video, or a download link. */
function Attachment({ url, onRemove }: { url: string; onRemove?: () => void }) {
  const meta = useAbout(url);
  const uploaded = isFileUrl(url);
  const name = meta?.name ?? (uploaded ? "Uploaded file" : url);
  let body;
  if (meta === undefined) body = <span className="muted">Loading…</span>;
  else if (uploaded && meta === null) body = <span className="field-error">This file is gone (deleted from the workspace).</span>;
  else if (meta?.type.startsWith("image/")) body = <img src={url} alt={meta.name} />;
  else if (meta?.type.startsWith("audio/")) body = <audio controls preload="metadata" src={url} aria-label={meta.name} />;
  else if (meta?.type.startsWith("video/")) body = <video controls preload="metadata" src={url} aria-label={meta.name} />;
  else body = null;
  const link = uploaded || /^https:\/\//i.test(url);
  return (
    <li>
      {body}
      <span className="attachment-row">
        {link ? (
          <a href={url} download={uploaded ? meta?.name : undefined} target={uploaded ? undefined : "_blank"} rel="noreferrer noopener">
            {name}
          </a>
        ) : (
          <span>{name}</span>
        )}
        {meta && <span className="muted">{sizeText(meta.size)}</span>}
        {onRemove && (
          <button type="button" className="quiet" onClick={onRemove} aria-label={`Remove ${name}`}>
            Remove
          </button>
        )}
      </span>
    </li>
  );
}

function evidenceKindFor(type: string): Evidence["kind"] {
  if (type.startsWith("audio/") || type.startsWith("video/")) return "interview";
  if (type.startsWith("image/")) return "observation";
  return "document";
}

function evidenceTitle(e: Evidence): string {
  return e.name || e.quote || e.summary || e.source || e.id;
}

/** The map's evidence that supports this step, with its files; a file dropped here
 * becomes a new piece of evidence linked to the step. */
export function StepEvidence({ step, map, store, ro }: { step: Step; map: JourneyMap; store: BoardStore; ro: boolean }) {
  const { workspaceId = "" } = useParams();
  const evidence = map.evidence.filter((e) => e.links.includes(step.id));
  const attach = (e: Evidence, f: UploadedFile) => updateElement(store, "evidence", e.id, { attachments: [...e.attachments, f.url] }, "attachments");
  const remove = (e: Evidence, index: number) => updateElement(store, "evidence", e.id, { attachments: e.attachments.filter((_, i) => i !== index) }, "attachments");
  const fromFile = (f: UploadedFile) => {
    const id = newId(store.getState().map, "evidence");
    store.dispatch({ type: "add", kind: "evidence", element: { id, name: f.name, kind: evidenceKindFor(f.type), links: [step.id], attachments: [f.url] } }, `add evidence ‘${f.name}’`);
  };
  return (
    <Section title="Evidence and files">
      {evidence.length === 0 && <p className="muted">No evidence supports this step yet, so it is an assumption. Attach an interview's recording, a PDF or a photo to ground it.</p>}
      {evidence.map((e) => (
        <div className="evidence-item" key={e.id} data-testid="step-evidence">
          <div className="attachment-row">
            <strong>{evidenceTitle(e)}</strong>
            <span className="badge">{e.kind.replace(/_/g, " ")}</span>
          </div>
          {e.attachments.length > 0 && (
            <ul className="attachment-list" aria-label={`Files of ${evidenceTitle(e)}`}>
              {e.attachments.map((url, i) => (
                <Attachment key={`${url}-${i}`} url={url} onRemove={ro ? undefined : () => remove(e, i)} />
              ))}
            </ul>
          )}
          {!ro && <FileDrop workspaceId={workspaceId} use="attachment" label="Attach a file" onUploaded={(f) => attach(e, f)} />}
        </div>
      ))}
      {!ro && <FileDrop workspaceId={workspaceId} use="attachment" label="Add evidence from a file" onUploaded={fromFile} testId="evidence-upload" />}
    </Section>
  );
}
