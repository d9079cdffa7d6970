/** A run's steps on a timeline: when each started and ended, relative to the run. */
import { duration } from '../format.js';
import type { RunStep } from '../types.js';

export function Gantt(props: {
  steps: RunStep[];
  start: string | null;
  end: string | null;
  now: number;
  selected?: string | undefined;
  onSelect: (stepId: string) => void;
}) {
  const t0 = Date.parse(
    props.start ?? props.steps.find((s) => s.startedAt)?.startedAt ?? new Date(props.now).toISOString(),
  );
  const ends = props.steps.map((s) =>
    s.finishedAt ? Date.parse(s.finishedAt) : s.startedAt ? props.now : t0,
  );
  const t1 = Math.max(props.end ? Date.parse(props.end) : props.now, ...ends, t0 + 1);
  const span = t1 - t0;
  const pct = (t: number) => `${(((t - t0) / span) * 100).toFixed(2)}%`;
  return (
    <div className="gantt" role="table" aria-label="timeline of the run's steps">
      <div className="gantt-axis" role="row" aria-hidden="true">
        <span>0</span>
        <span>{duration(span / 2)}</span>
        <span>{duration(span)}</span>
      </div>
      {props.steps.map((s) => {
        const a = s.startedAt ? Date.parse(s.startedAt) : undefined;
        const b = s.finishedAt ? Date.parse(s.finishedAt) : a !== undefined ? props.now : undefined;
        const label = `${s.stepId}: ${s.status}${a !== undefined && b !== undefined ? `, ${duration(b - a)}` : ''}${s.attempts > 1 ? `, ${s.attempts} attempts` : ''}`;
        return (
          <div
            role="row"
            key={s.stepId}
            className={`gantt-row${props.selected === s.stepId ? ' selected' : ''}`}
          >
            <button
              role="cell"
              type="button"
              className="gantt-label link"
              onClick={() => props.onSelect(s.stepId)}
              title={s.purpose}
            >
              {s.stepId}
            </button>
            <div role="cell" className="gantt-track" aria-label={label}>
              {a !== undefined && b !== undefined ? (
                <div
                  className={`gantt-bar status-${s.status}`}
                  style={{ left: pct(a), width: `max(3px, calc(${pct(b)} - ${pct(a)}))` }}
                  title={label}
                />
              ) : (
                <span className="muted gantt-pending">{s.status}</span>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
