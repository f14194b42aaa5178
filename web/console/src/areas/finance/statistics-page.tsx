import { useState } from 'react';
import { useQuery } from 'urql';
import { ConsolePaymentStatisticsDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField } from '../../ui/field.js';
import { RefusalNotice } from '../../ui/refusal-notice.js';
import { stockholmToday } from '../../ui/time.js';
import { monthsBefore, previousMonth } from './format.js';

const number = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 });

/**
 * Payment statistics per month (betalningsansvar): the national indicators beside the local
 * ones, per municipality or district, as the API computes them, one table per municipality.
 */
export function StatisticsPage() {
  const to = previousMonth(stockholmToday());
  const [period, setPeriod] = useState({ from: monthsBefore(to, 5), to });
  const [draft, setDraft] = useState(period);
  const [result] = useQuery({
    query: ConsolePaymentStatisticsDocument,
    variables: { input: period },
  });
  const answer = result.data?.paymentStatistics;
  const data = answer?.__typename === 'PaymentStatisticsSuccess' ? answer.data : null;
  const municipalities = data
    ? [...new Map(data.series.map((s) => [s.municipalityId, s.municipalityName]))]
    : [];
  return (
    <section aria-labelledby="statistics-title">
      <h1 id="statistics-title">
        Payment statistics <span lang="sv">(statistik betalningsansvar)</span>
      </h1>
      <form
        className="filters"
        aria-label="Statistics period"
        onSubmit={(event) => {
          event.preventDefault();
          setPeriod(draft);
        }}
      >
        <div className="filters__row">
          <InputField
            label="From month"
            type="month"
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
          <InputField
            label="To month"
            type="month"
            value={draft.to}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
          />
          <div className="filters__actions">
            <button type="submit" className="button">
              Show
            </button>
          </div>
        </div>
      </form>
      <ErrorNotice error={result.error ?? null} />
      <RefusalNotice refusal={answer?.__typename === 'InvoicingError' ? answer : null} />
      {data && municipalities.length === 0 ? (
        <p className="hint">No cases in these months.</p>
      ) : null}
      {data
        ? municipalities.map(([municipalityId, name]) => (
            <div key={municipalityId}>
              <h2>{name}</h2>
              <table className="plain" data-testid="statistics-table">
                <caption className="visually-hidden">Indicators of {name} per month</caption>
                <thead>
                  <tr>
                    <th scope="col">Indicator</th>
                    {data.months.map((month) => (
                      <th key={month} scope="col" className="amount">
                        {month}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.series
                    .filter((series) => series.municipalityId === municipalityId)
                    .map((series) => (
                      <tr key={`${series.indicator}`}>
                        <th scope="row">
                          {series.label} <span className="hint">{series.unit}</span>
                        </th>
                        {data.months.map((month) => {
                          const value = series.points.find((p) => p.month === month)?.value;
                          return (
                            <td key={month} className="amount">
                              {value === null || value === undefined ? '–' : number.format(value)}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          ))
        : null}
      {data && data.problems.length > 0 ? (
        <div className="notice">
          <p>Cases the statistics could not count:</p>
          <ul>
            {data.problems.map((problem) => (
              <li key={`${problem.municipalityId}-${problem.code}-${problem.message}`}>
                <code>{problem.code}</code>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
