import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ConsoleUnusualActivityDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField } from '../../ui/field.js';
import { stockholmToday } from '../../ui/time.js';

/**
 * Unusual activity per user and day: users of the organisation who touched more distinct
 * patients on one Stockholm day than the threshold (the API's default 50). Each links to
 * that user's rows of that day in the access log.
 */
export function UnusualActivityPage() {
  const [asked, setAsked] = useState<{ day: string; threshold: number } | null>(null);
  const [{ data, error, fetching }] = useQuery({
    query: ConsoleUnusualActivityDocument,
    variables: asked ?? { day: stockholmToday() },
    pause: asked === null,
  });
  return (
    <section aria-labelledby="unusual-title">
      <h1 id="unusual-title">
        Unusual activity <span lang="sv">(avvikande aktivitet)</span>
      </h1>
      <form
        className="filters filters__row"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          setAsked({ day: String(form.get('day')), threshold: Number(form.get('threshold')) });
        }}
      >
        <InputField
          label="Day (Stockholm)"
          name="day"
          type="date"
          required
          defaultValue={stockholmToday()}
        />
        <InputField
          label="More distinct patients than"
          name="threshold"
          type="number"
          min={0}
          defaultValue={50}
          required
        />
        <button type="submit">Show</button>
      </form>
      {fetching ? (
        <p role="status" className="progress">
          Searching…
        </p>
      ) : null}
      <ErrorNotice error={error ?? null} />
      {data ? (
        data.unusualAccessActivity.length === 0 ? (
          <p className="hint" role="status">
            No user went over the threshold that day.
          </p>
        ) : (
          <table className="plain" data-testid="unusual-activity">
            <caption className="visually-hidden">Users over the threshold</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Day</th>
                <th scope="col">Distinct patients</th>
                <th scope="col">Units</th>
                <th scope="col">
                  <span className="visually-hidden">Rows</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.unusualAccessActivity.map((row) => (
                <tr key={`${row.userHsaId}-${row.day}`}>
                  <td>
                    {row.userName} ({row.userHsaId})
                  </td>
                  <td>{row.day}</td>
                  <td>{row.patientCount}</td>
                  <td>{row.unitHsaIds.join(', ')}</td>
                  <td>
                    <Link
                      to="/security"
                      state={{ search: { userHsaId: row.userHsaId, from: row.day, to: row.day } }}
                    >
                      Show {row.userName}’s rows of {row.day}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {asked ? null : (
        <p className="hint">
          Pick a day: each user’s distinct patients that day, on the Stockholm clock.
        </p>
      )}
    </section>
  );
}
