// Uploading a file (docs/api.md, "Uploaded files"): an avatar, a step's picture, or an
// evidence attachment. One request per file with its progress; the server reads the type
// from the bytes and answers refused types and sizes with its error envelope, shown as is.
import { useId, useRef, useState, type DragEvent, type ReactNode } from "react";
import { ApiError, csrfToken } from "../api";
import "./upload.css";

export type FileUse = "image" | "attachment";

export interface UploadedFile {
  id: string;
  url: string;
  type: string;
  size: number;
  name: string;
  width: number | null;
  height: number | null;
}

/** What the file picker offers for each use (the server decides by content all the same). */
export const ACCEPT: Record<FileUse, string> = {
  image: "image/png,image/jpeg,image/gif,image/webp",
  attachment: "application/pdf,image/png,image/jpeg,image/gif,image/webp,audio/*,video/*,text/plain,.txt,.md,.m4a,.mkv",
};

const USE_WORDS: Record<FileUse, string> = {
  image: "PNG, JPEG, GIF or WebP",
  attachment: "PDF, image, audio, video or plain text",
};

/** An uploaded file's address (`/api/workspaces/{w}/files/{id}`, or a share link's, signed
 * when the link has a password). */
export const FILE_URL = /^\/api\/(?:workspaces|shared)\/[A-Za-z0-9_-]+\/files\/[A-Za-z0-9_-]+(?:\?expires=\d+&key=[0-9a-f]+)?$/;

export function isFileUrl(value: string | null | undefined): boolean {
  return !!value && FILE_URL.test(value.trim());
}

/** "2.4 MB", "830 KB", "12 bytes". */
export function sizeText(bytes: number): string {
  if (bytes >= 1_048_576) return `${(bytes / 1_048_576).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
}

export interface Upload {
  promise: Promise<UploadedFile>;
  abort: () => void;
}

/** Send one file; `onProgress` gets the fraction sent (0–1). Rejects with the server's ApiError. */
export function uploadFile(workspaceId: string, file: File, use: FileUse, onProgress?: (fraction: number) => void): Upload {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open("POST", `/api/workspaces/${encodeURIComponent(workspaceId)}/files`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { error?: { type?: string; message?: string; details?: Record<string, unknown> } } & Partial<UploadedFile> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201 && body.url) resolve(body as UploadedFile);
      else reject(new ApiError(xhr.status, body.error?.type ?? "HTTPError", body.error?.message ?? `The upload failed (${xhr.status} ${xhr.statusText}).`, [], body.error?.details ?? null));
    };
    xhr.onerror = () => reject(new ApiError(0, "NetworkError", "The server did not answer. Check that Journeyline is still running, then try again."));
    xhr.onabort = () => reject(new ApiError(0, "Aborted", "The upload was cancelled."));
    const form = new FormData();
    form.append("use", use);
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** A refused upload said in words a person can act on (the server's message names the file). */
export function uploadMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 413) return `${error.message}. Choose a smaller file.`;
    return error.message;
  }
  return String(error);
}

interface FileDropProps {
  workspaceId: string;
  use: FileUse;
  /** The button's words, e.g. "Upload a picture". */
  label: string;
  /** Puts the stored file in its place. A promise keeps the zone busy ("Saving…") until the
   * place is saved; `false` means it was not (the file stays uploaded, nothing points at it). */
  onUploaded: (file: UploadedFile) => void | Promise<boolean | void>;
  disabled?: boolean;
  children?: ReactNode;
  testId?: string;
}

/** A button that opens the file picker, a zone files can be dropped on, the upload's
 * progress, and the server's answer when it refuses the file. */
export function FileDrop({ workspaceId, use, label, onUploaded, disabled, children, testId }: FileDropProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState<{ name: string; fraction: number; abort: (() => void) | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const hintId = useId();

  const send = (file: File | undefined) => {
    if (!file || disabled || busy) return;
    setError(null);
    setDone(null);
    const upload = uploadFile(workspaceId, file, use, (fraction) => setBusy((b) => (b ? { ...b, fraction } : b)));
    setBusy({ name: file.name, fraction: 0, abort: upload.abort });
    upload.promise.then(
      async (stored) => {
        const placed = onUploaded(stored);
        if (placed instanceof Promise) {
          // Uploaded, not yet in its place: the zone says so until the save is answered.
          setBusy({ name: file.name, fraction: 1, abort: null });
          const saved = await placed.catch(() => false);
          setBusy(null);
          if (saved === false) {
            setError(`${stored.name} was uploaded but not saved in its place. Upload it again.`);
            return;
          }
        } else setBusy(null);
        setDone(`Uploaded ${stored.name} (${sizeText(stored.size)}).`);
      },
      (e: unknown) => {
        setBusy(null);
        if (e instanceof ApiError && e.type === "Aborted") return;
        setError(uploadMessage(e));
      },
    );
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    send(e.dataTransfer.files[0]);
  };

  return (
    <div
      className={over ? "file-drop over" : "file-drop"}
      data-testid={testId}
      onDragOver={(e) => {
        if (disabled) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {children}
      <div className="file-drop-row">
        <button type="button" disabled={disabled || !!busy} aria-describedby={hintId} onClick={() => input.current?.click()}>
          {label}
        </button>
        <span className="muted file-drop-hint" id={hintId}>
          or drop a file here · {USE_WORDS[use]}
        </span>
        <input
          ref={input}
          type="file"
          hidden
          accept={ACCEPT[use]}
          aria-label={label}
          onChange={(e) => {
            send(e.target.files?.[0]);
            e.target.value = "";
          }}
        />
      </div>
      {busy && (
        <div className="file-drop-progress">
          {busy.abort ? (
            <>
              <progress max={1} value={busy.fraction} aria-label={`Uploading ${busy.name}`} />
              <span>
                Uploading {busy.name}… {Math.round(busy.fraction * 100)} %
              </span>
              <button type="button" className="link" onClick={busy.abort}>
                Cancel
              </button>
            </>
          ) : (
            <>
              <span className="spinner small" aria-hidden="true" />
              <span>Saving {busy.name}…</span>
            </>
          )}
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <span className="visually-hidden" aria-live="polite">
        {done ?? ""}
      </span>
    </div>
  );
}
