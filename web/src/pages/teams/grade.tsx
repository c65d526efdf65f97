/** A scorecard grade (A–E) with its score: the letter is the text, the colour only repeats it. */
import type { ReactNode } from 'react';
import type { Health } from '../../api/types.js';

/** A and B are fine, C wants attention, D and E want work (the scorecard's own bands). */
export function gradeHealth(grade: string | undefined): Health {
  if (grade === 'A' || grade === 'B') return 'ok';
  if (grade === 'C') return 'warning';
  if (grade === 'D' || grade === 'E') return 'failing';
  return 'unknown';
}

export function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}

export function GradeBadge({ grade, score, size = 'small' }: { grade?: string | undefined; score?: number | undefined; size?: 'small' | 'large' }): ReactNode {
  if (grade === undefined || score === undefined) return <span className="muted">no score</span>;
  return (
    <span className={`team-grade team-grade-${size} health-${gradeHealth(grade)}`} data-grade={grade}>
      <span className="visually-hidden">Grade </span>
      <span className="team-grade-letter">{grade}</span>
      <span className="team-grade-score">
        {formatScore(score)}
        <span className="visually-hidden"> out of 100</span>
      </span>
    </span>
  );
}
