// The first stop of the Tab order on every page of a workspace: past the top bar and the
// board's toolbar, straight to the map (the card last focused on its grid) or to the page's
// content. Hidden until it has the focus.
import { useMatch } from "react-router-dom";

/** Focus the board's grid (its current card) or the page's main content. */
function skip(): void {
  const grid = document.querySelector<HTMLElement>(".board-grid");
  const card = grid?.querySelector<HTMLElement>('[tabindex="0"]');
  const target = card ?? document.querySelector<HTMLElement>("main");
  if (!target) return;
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "nearest", inline: "nearest" });
}

export function SkipLink() {
  const onBoard = useMatch("/w/:workspaceId/maps/:mapId") !== null;
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        skip();
      }}
    >
      {onBoard ? "Skip to the map" : "Skip to the content"}
    </a>
  );
}
