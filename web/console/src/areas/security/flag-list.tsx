import type { AccessFlag } from '../../generated/graphql.js';
import { FLAG_LABELS } from './flags.js';

/** A row's flags as badges; `compact` (in the table) without the Swedish term. */
export function FlagList({ flags, compact = false }: { flags: AccessFlag[]; compact?: boolean }) {
  if (flags.length === 0) return compact ? null : <span>none</span>;
  return (
    <ul className="flags">
      {flags.map((flag) => (
        <li key={flag} className={`flag flag--${flag.toLowerCase()}`}>
          {FLAG_LABELS[flag].label}
          {compact ? null : <span lang="sv"> ({FLAG_LABELS[flag].swedish})</span>}
        </li>
      ))}
    </ul>
  );
}
