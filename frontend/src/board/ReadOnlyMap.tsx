// The map as the board draws it, read-only: used by share links and presentation mode.
// The same grid as the board (stages × lanes, the sentiment line, pain points and
// opportunities at their steps, findings where they occur), with nothing to edit.
import { useEffect, useMemo } from "react";
import type { Finding, JourneyMap, LaneDefinition, Persona } from "../types";
import { MetaContext, type BoardMeta } from "./context";
import { Grid } from "./Grid";
import { FixedMeasured, type MeasuredLane } from "./measured";
import { BoardContext, BoardStore } from "./store";
import "./board.css";

export interface ReadOnlyMapProps {
  map: JourneyMap;
  personas: Persona[];
  findings?: Finding[];
  /** The workspace's custom lane definitions, for their names (optional: ids are shown otherwise). */
  lanes?: LaneDefinition[];
  /** The Measured lane's figures (the share link's snapshot, the presentation's lane); `live`:
   * the view asks again when they are stale. Without it the lane's cells stay empty. */
  measured?: { lane: MeasuredLane | null; live: boolean; error?: string | null };
}

export function ReadOnlyMap({ map, personas, findings, lanes, measured }: ReadOnlyMapProps) {
  const store = useMemo(() => new BoardStore({ map, revision: 0, target: null, canEdit: false, canComment: false, findings }), [map]);
  useEffect(() => {
    if (findings) store.analysis.setFindings(findings);
  }, [store, findings]);
  useEffect(() => () => store.dispose(), [store]);
  const meta = useMemo<BoardMeta>(
    () => ({ personas, laneNames: new Map((lanes ?? []).map((l) => [l.id, l.name])), workspaceEvidenced: new Set<string>(), me: null }),
    [personas, lanes],
  );
  const grid = (
    <div className="read-only-map" data-testid="read-only-map">
      <div className="board-scroll">
        <Grid interactive={false} />
      </div>
    </div>
  );
  return (
    <BoardContext.Provider value={store}>
      <MetaContext.Provider value={meta}>
        {measured ? (
          <FixedMeasured lane={measured.lane} live={measured.live} error={measured.error}>
            {grid}
          </FixedMeasured>
        ) : (
          grid
        )}
      </MetaContext.Provider>
    </BoardContext.Provider>
  );
}
