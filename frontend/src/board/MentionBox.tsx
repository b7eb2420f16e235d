// The comment box with @mention autocomplete: typing "@" and part of a member's name lists
// the workspace's members who match; ↑/↓ choose, Enter or Tab inserts the name, Escape closes.
import { useEffect, useId, useState, type TextareaHTMLAttributes } from "react";
import { api, paths } from "../api";
import { insertMention, matchMembers, mentionAt, type Mentionable, type MentionQuery } from "./mentions";

const members = new Map<string, Promise<Mentionable[]>>();

/** The workspace's members (read once per workspace and page load). */
export function workspaceMembers(workspaceId: string): Promise<Mentionable[]> {
  let found = members.get(workspaceId);
  if (!found) {
    found = api.get<Mentionable[]>(paths.members(workspaceId)).then(
      (r) => r.data,
      () => {
        members.delete(workspaceId);
        return [];
      },
    );
    members.set(workspaceId, found);
  }
  return found;
}

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange"> & {
  workspaceId: string;
  value: string;
  onValue: (text: string) => void;
  textareaRef?: React.RefObject<HTMLTextAreaElement>;
};

export function MentionBox({ workspaceId, value, onValue, textareaRef, onKeyDown, ...rest }: Props) {
  const [people, setPeople] = useState<Mentionable[]>([]);
  const [at, setAt] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const listId = useId();
  useEffect(() => {
    let live = true;
    void workspaceMembers(workspaceId).then((m) => live && setPeople(m));
    return () => {
      live = false;
    };
  }, [workspaceId]);
  const options = at ? matchMembers(people, at.query) : [];
  const showing = at !== null && options.length > 0;

  const look = (el: HTMLTextAreaElement) => {
    const found = el.selectionStart === el.selectionEnd ? mentionAt(el.value, el.selectionStart) : null;
    setAt(found);
    setActive(0);
  };
  const choose = (el: HTMLTextAreaElement | null, member: Mentionable) => {
    if (!at) return;
    const next = insertMention(value, at, member);
    onValue(next.text);
    setAt(null);
    window.requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };

  return (
    <div className="mention-box">
      <textarea
        {...rest}
        ref={textareaRef}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showing}
        aria-controls={listId}
        aria-activedescendant={showing ? `${listId}-${active}` : undefined}
        onChange={(e) => {
          onValue(e.target.value);
          look(e.target);
        }}
        onSelect={(e) => look(e.currentTarget)}
        onBlur={() => window.setTimeout(() => setAt(null), 150)}
        onKeyDown={(e) => {
          if (showing) {
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              setActive((i) => (i + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
              return;
            }
            if ((e.key === "Enter" && !e.ctrlKey && !e.metaKey) || e.key === "Tab") {
              e.preventDefault();
              choose(e.currentTarget, options[Math.min(active, options.length - 1)]);
              return;
            }
            if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              setAt(null);
              return;
            }
          }
          onKeyDown?.(e);
        }}
      />
      <ul id={listId} role="listbox" aria-label="Members to mention" className="mention-list" hidden={!showing}>
        {showing &&
          options.map((m, i) => (
            <li
              key={m.account}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                const el = (e.currentTarget.closest(".mention-box")?.querySelector("textarea") ?? null) as HTMLTextAreaElement | null;
                choose(el, m);
              }}
            >
              <strong>{m.name}</strong> <span className="muted">{m.email}</span>
            </li>
          ))}
      </ul>
    </div>
  );
}
