import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import type { Session } from '../../../shared/session.js';
import { ConsoleChooseCommissionDocument } from '../generated/graphql.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { type Refusal, RefusalNotice } from '../ui/refusal-notice.js';
import { roleLabel } from './roles.js';
import type { Viewer } from './signed-in-shell.js';

type ViewerCommission = NonNullable<Viewer['actingCommission']>;

const commissionName = (c: Pick<ViewerCommission, 'name' | 'unitHsaId' | 'unit'>) =>
  `${c.unit?.name ?? c.name ?? 'Unit'} (${c.unitHsaId})`;

const commissionValue = (c: { unitHsaId: string; purpose: string; hsaId?: string | null }) =>
  JSON.stringify([c.unitHsaId, c.purpose, c.hsaId ?? null]);

/** The signed-in person, their roles, the acting commission (with the switch), sign-out. */
export function Header({ viewer, session }: { viewer: Viewer; session: Session }) {
  return (
    <header className="bar">
      <Link className="bar__brand" to="/">
        Brygga <span className="bar__product">console</span>
      </Link>
      <section className="bar__person" aria-label="Signed in">
        <dl>
          <div>
            <dt>Signed in as</dt>
            <dd data-testid="signed-in-name">{viewer.name}</dd>
          </div>
          <div>
            <dt>Roles</dt>
            <dd data-testid="signed-in-roles">
              {viewer.roles.length > 0 ? viewer.roles.map(roleLabel).join(', ') : 'none'}
            </dd>
          </div>
          <div>
            <dt>
              Acting commission <span lang="sv">(medarbetaruppdrag)</span>
            </dt>
            <dd data-testid="signed-in-commission">
              {viewer.actingCommission ? commissionName(viewer.actingCommission) : 'none chosen'}
            </dd>
          </div>
        </dl>
        <CommissionSwitch viewer={viewer} session={session} />
        <form method="post" action="/auth/logout">
          <button type="submit" className="button--quiet">
            Sign out
          </button>
        </form>
      </section>
    </header>
  );
}

/**
 * Switching the acting commission: `chooseCommission` answers a new access token for the
 * chosen unit, which the session adopts (the server's session now acts in it, so refreshes
 * keep it). Shown only when there is another commission to switch to.
 */
function CommissionSwitch({ viewer, session }: { viewer: Viewer; session: Session }) {
  const selectId = useId();
  const [, choose] = useMutation(ConsoleChooseCommissionDocument);
  const [error, setError] = useState<Parameters<typeof ErrorNotice>[0]['error'] | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  if (viewer.otherCommissions.length === 0) return null;
  const all = [
    ...(viewer.actingCommission ? [viewer.actingCommission] : []),
    ...viewer.otherCommissions,
  ];
  return (
    <form
      className="bar__switch"
      onSubmit={async (event) => {
        event.preventDefault();
        const value = new FormData(event.currentTarget).get('commission');
        const picked = all.find((c) => commissionValue(c) === value);
        if (!picked) return;
        const result = await choose({
          unitHsaId: picked.unitHsaId,
          purpose: picked.purpose,
          commissionHsaId: picked.hsaId ?? null,
        });
        if (result.error || !result.data) {
          setError(result.error ?? null);
          return;
        }
        const chosen = result.data.chooseCommission;
        if (chosen.__typename === 'IdentityError') {
          setRefusal(chosen);
          return;
        }
        setRefusal(null);
        session.adopt(chosen.token);
      }}
    >
      <label htmlFor={selectId}>Switch commission</label>
      <select
        id={selectId}
        name="commission"
        defaultValue={viewer.actingCommission ? commissionValue(viewer.actingCommission) : ''}
      >
        {viewer.actingCommission ? null : (
          <option value="" disabled>
            Choose…
          </option>
        )}
        {all.map((c) => (
          <option key={commissionValue(c)} value={commissionValue(c)}>
            {commissionName(c)} – {c.purpose}
          </option>
        ))}
      </select>
      <button type="submit" className="button--quiet">
        Switch
      </button>
      {error ? <ErrorNotice error={error} /> : null}
      <RefusalNotice refusal={refusal} />
    </form>
  );
}
