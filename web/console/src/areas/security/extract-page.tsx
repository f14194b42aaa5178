import { useState } from 'react';
import { useQuery } from 'urql';
import { ConsolePatientAccessExtractDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField } from '../../ui/field.js';
import { formatStockholm, nextDay, startOfStockholmDay } from '../../ui/time.js';

interface Asked {
  personalIdentityNumber: string;
  from?: string;
  to?: string;
}

/**
 * A patient's log extract (loggutdrag, PDL 8 kap. 4 §): which units of the organisation
 * accessed their data, and when, as a page made to print (or save as PDF): the menus and
 * this form do not print. Producing it is logged by the API as Utskrift (PRINT).
 */
export function ExtractPage() {
  const [asked, setAsked] = useState<Asked | null>(null);
  const [{ data, error, fetching }] = useQuery({
    query: ConsolePatientAccessExtractDocument,
    variables: asked ?? { personalIdentityNumber: '' },
    pause: asked === null,
  });
  const extract = asked ? data?.patientAccessExtract : undefined;
  return (
    <section aria-labelledby="extract-title" className="extract">
      <h1 id="extract-title">
        Log extract <span lang="sv">(loggutdrag)</span>
      </h1>
      <form
        className="filters filters__row no-print"
        aria-label="Make a log extract"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const from = String(form.get('from') ?? '');
          const to = String(form.get('to') ?? '');
          setAsked({
            personalIdentityNumber: String(form.get('personalIdentityNumber')).trim(),
            from: from ? startOfStockholmDay(from) : undefined,
            to: to ? startOfStockholmDay(nextDay(to)) : undefined,
          });
        }}
      >
        <InputField
          label={
            <>
              Patient <span lang="sv">(personnummer)</span>
            </>
          }
          name="personalIdentityNumber"
          required
          autoComplete="off"
          placeholder="YYYYMMDD-NNNN"
        />
        <InputField label="From" name="from" type="date" />
        <InputField label="To (inclusive)" name="to" type="date" />
        <button type="submit">Make extract</button>
      </form>
      {fetching ? (
        <p role="status" className="progress no-print">
          Making the extract…
        </p>
      ) : null}
      <ErrorNotice error={asked ? (error ?? null) : null} />
      {extract ? (
        <article className="letter" aria-label="Log extract" data-testid="extract">
          <header>
            <p className="letter__kicker">
              Brygga · <span lang="sv">Loggutdrag enligt patientdatalagen (2008:355)</span>
            </p>
            <h2>Log extract for {extract.personalIdentityNumber}</h2>
            <p>
              Period: {extract.from ? formatStockholm(extract.from).slice(0, 10) : 'from the start'}{' '}
              –{' '}
              {extract.to
                ? `until ${formatStockholm(extract.to).slice(0, 10)} (not included)`
                : 'now'}
              . Made {formatStockholm(extract.generatedAt)}. Every access that returned or changed
              the patient’s data, by unit.
            </p>
          </header>
          {extract.entries.length === 0 ? (
            <p>No unit of this organisation accessed the patient’s data in the period.</p>
          ) : (
            <table className="plain letter__table">
              <thead>
                <tr>
                  <th scope="col">Time (Stockholm)</th>
                  <th scope="col">
                    Unit <span lang="sv">(vårdenhet)</span>
                  </th>
                  <th scope="col">
                    Care provider <span lang="sv">(vårdgivare)</span>
                  </th>
                  <th scope="col">Activity</th>
                </tr>
              </thead>
              <tbody>
                {extract.entries.map((entry, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the extract is a fixed list without ids; two entries can share a time
                  <tr key={index}>
                    <td>{formatStockholm(entry.time)}</td>
                    <td>
                      {entry.unitName} <span className="muted">({entry.unitHsaId})</span>
                    </td>
                    <td>{entry.providerName}</td>
                    <td>{entry.activityName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="letter__foot">
            {extract.entries.length} entries. Questions about this extract: contact the care
            provider’s information security function.
          </p>
          <p className="no-print">
            <button type="button" onClick={() => window.print()}>
              Print or save as PDF
            </button>
          </p>
        </article>
      ) : null}
    </section>
  );
}
