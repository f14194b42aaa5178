import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import {
  ConsoleAccessLogSamplesDocument,
  ConsoleDrawAccessLogSampleDocument,
} from '../../generated/graphql.js';
import { usePagedConnection } from '../../ui/connection.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField } from '../../ui/field.js';
import { LoadProgress } from '../../ui/load-progress.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm, lastMonth } from '../../ui/time.js';

/**
 * Systematic review by sample (stickprov): draw a share of a month's rows with a seed
 * (the same seed draws the same rows again, so a review can be reproduced), and the
 * organisation's earlier samples.
 */
export function SamplesPage() {
  const navigate = useNavigate();
  const [{ fetching, error }, draw] = useMutation(ConsoleDrawAccessLogSampleDocument);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const samples = usePagedConnection(ConsoleAccessLogSamplesDocument, { first: 50 }, (data) => ({
    nodes: data.accessLogSamples.edges.map((edge) => edge.node),
    totalCount: data.accessLogSamples.totalCount,
    hasNextPage: data.accessLogSamples.pageInfo.hasNextPage,
    endCursor: data.accessLogSamples.pageInfo.endCursor ?? null,
  }));
  return (
    <section aria-labelledby="samples-title">
      <h1 id="samples-title">
        Samples <span lang="sv">(stickprov)</span>
      </h1>
      <form
        className="filters"
        aria-label="Draw a sample"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const seed = String(form.get('seed') ?? '').trim();
          const result = await draw({
            input: {
              month: String(form.get('month')),
              percent: Number(form.get('percent')),
              seed: seed === '' ? undefined : seed,
            },
          });
          const answer = result.data?.drawAccessLogSample;
          setRefusal(answer?.__typename === 'AccessReviewError' ? answer : null);
          if (answer?.__typename === 'DrawAccessLogSampleSuccess')
            navigate(`/security/samples/${encodeURIComponent(answer.sample.id)}`);
        }}
      >
        <div className="filters__row">
          <InputField
            label="Month"
            name="month"
            required
            pattern="\d{4}-\d{2}"
            placeholder="YYYY-MM"
            defaultValue={lastMonth().month}
          />
          <InputField
            label="Share of the rows (%)"
            name="percent"
            type="number"
            min={0.01}
            max={100}
            step="any"
            required
            defaultValue={10}
          />
          <InputField
            label="Seed (to draw a stored sample again)"
            name="seed"
            autoComplete="off"
            placeholder="random"
          />
          <button type="submit" disabled={fetching}>
            Draw sample
          </button>
        </div>
        <ErrorNotice error={error ?? null} />
        <RefusalNotice refusal={refusal} />
      </form>
      <h2>Drawn samples</h2>
      <LoadProgress
        loaded={samples.nodes.length}
        total={samples.totalCount}
        fetching={samples.fetching}
        noun="samples"
      />
      <ErrorNotice error={samples.error} />
      {samples.nodes.length > 0 ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Share</th>
              <th scope="col">Rows drawn / in the month</th>
              <th scope="col">Seed</th>
              <th scope="col">Drawn</th>
            </tr>
          </thead>
          <tbody>
            {samples.nodes.map((sample) => (
              <tr key={sample.id}>
                <td>
                  <Link to={`/security/samples/${encodeURIComponent(sample.id)}`}>
                    {sample.month}
                  </Link>
                </td>
                <td>{sample.percent} %</td>
                <td>
                  {sample.size} / {sample.population}
                </td>
                <td>
                  <code>{sample.seed}</code>
                </td>
                <td>
                  {formatStockholm(sample.drawnAt)} by {sample.drawnByName}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {samples.hasNextPage ? (
        <button type="button" className="button--quiet" onClick={samples.loadMore}>
          More samples
        </button>
      ) : null}
    </section>
  );
}
