// The result of each event analysis as tables and bar charts. The shapes are the JSON of
// `journeyline events NAME --format json` (docs/analytics.md); every text is shown as text.
import type { ReactNode } from "react";
import { count, duration, percent } from "./eventsApi";

type Row = Record<string, unknown>;
type Result = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const rows = (v: unknown): Row[] => (Array.isArray(v) ? (v as Row[]) : []);

/** A horizontal bar (0 … 1 of the widest) with its figure, for a table cell. */
export function Bar({ share, text, tone }: { share: number; text: ReactNode; tone?: "drop" }) {
  return (
    <span className="ev-bar-cell">
      <span className={tone === "drop" ? "ev-bar drop" : "ev-bar"} style={{ width: `${Math.max(0, Math.min(1, share)) * 100}%` }} aria-hidden="true" />
      <span className="ev-bar-text">{text}</span>
    </span>
  );
}

function Table({ label, head, children }: { label: string; head: ReactNode[]; children: ReactNode }) {
  return (
    <div className="ev-table-wrap">
      <table className="list ev-result" aria-label={label}>
        <thead><tr>{head.map((h, i) => <th scope="col" key={i}>{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The log the analysis read: its units, events and dates. */
export function LogLine({ result }: { result: Result }) {
  const log = (result.log ?? {}) as Row;
  if (!log.events) return null;
  return (
    <p className="muted ev-log-line">
      {count(num(log.events))} events of {count(num(log.units))} {str(log.unit) || "unit"}s, {str(log.period_start).slice(0, 10)} – {str(log.period_end).slice(0, 10)}
    </p>
  );
}

function Reach({ r }: { r: Result }) {
  const events = rows(r.events);
  return (
    <Table label="Reach" head={["Event", "Units reaching it", "Events"]}>
      {events.map((e) => (
        <tr key={str(e.event)}>
          <th scope="row">{str(e.event)}</th>
          <td><Bar share={num(e.share) ?? 0} text={`${count(num(e.units))} · ${percent(num(e.share))}`} /></td>
          <td className="num">{count(num(e.events))}</td>
        </tr>
      ))}
    </Table>
  );
}

function Transitions({ r }: { r: Result }) {
  const list = rows(r.transitions);
  const top = Math.max(1, ...list.map((t) => num(t.units) ?? 0));
  return (
    <Table label="Transitions" head={["From", "To", "Units", "Share of “from”", "Median time"]}>
      {list.map((t, i) => (
        <tr key={i}>
          <td>{str(t.from)}</td>
          <td>{str(t.to)}</td>
          <td><Bar share={(num(t.units) ?? 0) / top} text={count(num(t.units))} /></td>
          <td className="num">{percent(num(t.share))}</td>
          <td className="num">{duration(num(t.median_seconds))}</td>
        </tr>
      ))}
    </Table>
  );
}

function Variants({ r }: { r: Result }) {
  return (
    <>
      <p>{count(num(r.total_variants))} distinct paths.</p>
      <Table label="Variants" head={["Path", "Units"]}>
        {rows(r.variants).map((v, i) => (
          <tr key={i}>
            <td className="ev-path">{(v.path as string[]).map((step, j) => <span key={j} className="ev-chip">{step}</span>)}{v.truncated ? " …" : ""}</td>
            <td><Bar share={num(v.share) ?? 0} text={`${count(num(v.units))} · ${percent(num(v.share))}`} /></td>
          </tr>
        ))}
      </Table>
    </>
  );
}

function FunnelSteps({ steps, label }: { steps: Row[]; label: string }) {
  return (
    <Table label={label} head={["Step", "Units", "From previous", "Dropped off", "Where they went", "Median time"]}>
      {steps.map((s, i) => (
        <tr key={i}>
          <th scope="row">{str(s.name)}</th>
          <td><Bar share={num(s.rate_overall) ?? 0} text={`${count(num(s.count))} · ${percent(num(s.rate_overall))}`} /></td>
          <td className="num">{i === 0 ? "—" : percent(num(s.rate_step))}</td>
          <td className="num">{i === 0 ? "—" : `${count(num(s.dropoff))} (${percent(num(s.dropoff_rate))})`}</td>
          <td>{rows(s.dropoff_next_events).slice(0, 3).map((d) => `${str(d.event)} (${count(num(d.units))})`).join(", ")}</td>
          <td className="num">{i === 0 ? "—" : duration(num(s.median_seconds_from_previous))}</td>
        </tr>
      ))}
    </Table>
  );
}

function Funnel({ r }: { r: Result }) {
  const breakdown = r.breakdown as { property: string; groups: Row[] } | null | undefined;
  const time = (r.time_to_convert ?? {}) as Row;
  return (
    <>
      <p className="ev-headline">
        <strong>{percent(num(r.conversion))}</strong> converted: {count(num(r.converted))} of {count(num(r.entered))} who entered
        {num(time.median_seconds) !== null && <>, in a median {duration(num(time.median_seconds))}</>}.
      </p>
      <FunnelSteps steps={rows(r.steps)} label="Funnel" />
      {breakdown && (
        <>
          <h3>By {breakdown.property}</h3>
          <Table label={`Funnel by ${breakdown.property}`} head={[breakdown.property, "Entered", "Converted", "Conversion"]}>
            {breakdown.groups.map((g) => (
              <tr key={str(g.value)}>
                <th scope="row">{str(g.value)}</th>
                <td className="num">{count(num(g.entered))}</td>
                <td className="num">{count(num(g.converted))}</td>
                <td><Bar share={num(g.conversion) ?? 0} text={percent(num(g.conversion))} /></td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </>
  );
}

function Dwell({ r }: { r: Result }) {
  const list = rows(r.events);
  const top = Math.max(1, ...list.map((e) => num(e.median_seconds) ?? 0));
  return (
    <Table label="Dwell" head={["Event", "Median time before the next event", "95th percentile", "Units"]}>
      {list.map((e) => (
        <tr key={str(e.name)}>
          <th scope="row">{str(e.name)}</th>
          <td><Bar share={(num(e.median_seconds) ?? 0) / top} text={duration(num(e.median_seconds))} /></td>
          <td className="num">{duration(num(e.p95_seconds))}</td>
          <td className="num">{count(num(e.units))}</td>
        </tr>
      ))}
    </Table>
  );
}

function Loops({ r }: { r: Result }) {
  return (
    <>
      <p className="ev-headline"><strong>{percent(num(r.looping_share))}</strong> of units come back to an event ({count(num(r.looping_units))}).</p>
      <Table label="Loops" head={["Event", "Units coming back", "Returns", "Repeats in a row", "Most per unit"]}>
        {rows(r.events).map((e) => (
          <tr key={str(e.event)}>
            <th scope="row">{str(e.event)}</th>
            <td><Bar share={num(e.revisit_share) ?? 0} text={`${count(num(e.repeating_units))} · ${percent(num(e.revisit_share))}`} /></td>
            <td className="num">{count(num(e.returns))}</td>
            <td className="num">{count(num(e.self_loops))}</td>
            <td className="num">{count(num(e.max_per_unit))}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

const MODELS = [["first", "First touch"], ["last", "Last touch"], ["linear", "Linear"], ["time_decay", "Time decay"], ["position_based", "Position based"], ["data_driven", "Data driven"]] as const;

function Attribution({ r }: { r: Result }) {
  const list = rows(r.touchpoints);
  const total = Math.max(1, num(r.attributed) ?? 1);
  return (
    <>
      <p className="ev-headline">
        {count(num(r.conversions))} conversions ({str(r.conversion)}); {count(num(r.attributed))} with a touchpoint before them, {count(num(r.direct))} direct.
      </p>
      <Table label="Attribution" head={[str(r.touchpoint) === "event" ? "Touchpoint (event)" : `Touchpoint (${str(r.touchpoint)})`, ...MODELS.map(([, t]) => t), "Removal effect"]}>
        {list.map((t) => (
          <tr key={str(t.touchpoint)}>
            <th scope="row">{str(t.touchpoint)}</th>
            {MODELS.map(([key]) => (
              <td key={key}><Bar share={(num(t[key]) ?? 0) / total} text={(num(t[key]) ?? 0).toFixed(1)} /></td>
            ))}
            <td className="num">{percent(num(t.removal_effect))}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

function Breakdown({ r }: { r: Result }) {
  const values = (r.values as string[]) ?? [];
  return (
    <Table label={`Breakdown by ${str(r.property)}`} head={["Event", "Units", ...values]}>
      {rows(r.events).map((e) => {
        const by = (e.values ?? {}) as Record<string, Row>;
        return (
          <tr key={str(e.event)}>
            <th scope="row">{str(e.event)}</th>
            <td className="num">{count(num(e.units))}</td>
            {values.map((v) => <td key={v}><Bar share={num(by[v]?.share) ?? 0} text={`${count(num(by[v]?.units))} · ${percent(num(by[v]?.share))}`} /></td>)}
          </tr>
        );
      })}
    </Table>
  );
}

/** The result of a finished analysis job. */
export function AnalysisResult({ analysis, result }: { analysis: string; result: Result }) {
  const body = (() => {
    switch (analysis) {
      case "reach": return <Reach r={result} />;
      case "transitions": return <Transitions r={result} />;
      case "variants": return <Variants r={result} />;
      case "funnel": return <Funnel r={result} />;
      case "dwell": return <Dwell r={result} />;
      case "loops": return <Loops r={result} />;
      case "attribution": return <Attribution r={result} />;
      case "breakdown": return <Breakdown r={result} />;
      default: return <pre className="ev-json">{JSON.stringify(result, null, 2)}</pre>;
    }
  })();
  return (
    <div className="ev-result-block" data-testid="analysis-result" data-analysis={analysis}>
      <LogLine result={result} />
      {body}
    </div>
  );
}
