// A persona's avatar (an image, an emoji or initials) and the persona card.
import { useState } from "react";
import { Link } from "react-router-dom";
import type { Persona, Segment } from "../types";
import { isFileUrl } from "../components/upload";

/** The avatar as an image address, when it is one we show: an uploaded file, data:image, https or a relative path. */
export function imageSource(avatar: string | null | undefined): string | null {
  if (!avatar) return null;
  const s = avatar.trim();
  if (/^data:image\/(png|jpe?g|gif|webp|svg\+xml|avif)[;,]/i.test(s)) return s;
  if (/^https:\/\/[^\s]+$/i.test(s)) return s;
  if (isFileUrl(s)) return s; // an uploaded picture
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(s);
  if (!hasScheme && !s.startsWith("//") && !/\s/.test(s) && /\.(png|jpe?g|gif|webp|svg|avif)$/i.test(s)) return s;
  return null;
}

function initials(name: string): string {
  const words = name.replace(/\bthe\b/gi, " ").split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? "?") + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase();
}

/** A short avatar that is no image address is shown as text (an emoji); anything else as initials. */
export function Avatar({ persona, size = "md" }: { persona: Pick<Persona, "name" | "avatar">; size?: "sm" | "md" | "lg" | "xl" }) {
  const src = imageSource(persona.avatar);
  const [broken, setBroken] = useState(false);
  const text = persona.avatar?.trim() ?? "";
  const emoji = !src && text && [...text].length <= 4 && !/[a-z0-9]/i.test(text);
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      {src && !broken ? <img src={src} alt="" onError={() => setBroken(true)} /> : emoji ? <span className="avatar-emoji">{text}</span> : <span className="avatar-initials">{initials(persona.name)}</span>}
    </span>
  );
}

export function PersonaCard({ persona, segment, to, compact }: { persona: Persona; segment?: Segment | null; to?: string; compact?: boolean }) {
  const body = (
    <>
      <Avatar persona={persona} size={compact ? "md" : "lg"} />
      <div className="persona-card-text">
        <span className="persona-card-name">{persona.name}</span>
        {persona.role && <span className="persona-card-role">{persona.role}</span>}
        {segment && <span className="badge">{segment.name}</span>}
        {!compact && persona.quote && <q className="persona-card-quote">{persona.quote}</q>}
      </div>
    </>
  );
  return to ? <Link to={to} className="persona-card card-link">{body}</Link> : <div className="persona-card">{body}</div>;
}
