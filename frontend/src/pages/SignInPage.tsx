import { useState } from "react";
import { api, paths } from "../api";
import { ErrorMessage } from "../components/errors";
import { useSession } from "../session";

/** E-mail and password; the first run prints a one-time sign-in link instead (no default password). */
export function SignInPage() {
  const { refresh } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="page narrow sign-in">
      <h1>
        <span className="brand-mark" aria-hidden="true">◠</span> Sign in to Journeyline
      </h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setBusy(true);
          try {
            await api.post(paths.signIn(), { email: form.get("email"), password: form.get("password") });
            await refresh();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label className="field">
          <span className="field-label">E-mail address</span>
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="muted">
        First time here? Ask the person who manages Journeyline for an invitation: it comes as a one-time
        sign-in link. Once you are in, set a password under Settings to sign in here.
      </p>
    </main>
  );
}
