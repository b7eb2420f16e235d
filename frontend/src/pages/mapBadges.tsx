// A map's type and status: the choices, in words, and the badges the lists show.
import { label } from "../components/words";

export const MAP_TYPES = [
  ["current_state", "Current state (AS-IS)"],
  ["future_state", "Future state (TO-BE)"],
  ["day_in_the_life", "Day in the life"],
  ["service_blueprint", "Service blueprint"],
] as const;

export const MAP_STATUSES = [
  ["hypothesis", "Hypothesis"],
  ["validated", "Validated"],
] as const;

export function TypeBadge({ type }: { type: string | null | undefined }) {
  if (!type) return null;
  return <span className={`badge type-${type}`}>{label(type)}</span>;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return null;
  return <span className={`badge status-${status}`}>{status === "validated" ? "✓ " : ""}{label(status)}</span>;
}
