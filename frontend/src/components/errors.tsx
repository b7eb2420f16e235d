// Errors as people read them: the server's message and its file:line diagnostics.
import { ApiError } from "../api";

/** A readable sentence for any error, with the server's file:line diagnostics when it sent some. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const lines = error.diagnostics.slice(0, 5).map((d) => {
      const where = [d.file, d.line, d.column].filter((x) => x !== null && x !== undefined && x !== "").join(":");
      return (where ? where + ": " : "") + d.message + (d.hint ? ` (${d.hint})` : "");
    });
    return [error.message, ...lines].join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-message" role="alert">
      <pre>{errorText(error)}</pre>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
