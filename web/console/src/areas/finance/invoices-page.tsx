import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import {
  ConsoleDraftInvoiceBasisDocument,
  ConsoleInvoicesDocument,
  ConsolePaymentStatisticsDocument,
  type InvoiceFilter,
  type InvoiceStatus,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { InputField, SelectField } from '../../ui/field.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { stockholmToday } from '../../ui/time.js';
import { formatKronor, monthsBefore, previousMonth, STATUS_LABELS } from './format.js';

const PAGE = 100;

/**
 * The invoice bases (faktureringsunderlag) per month and municipality or district: a list
 * to filter by month and status, and drafting (or bringing up to date) a month's basis.
 * Only the region's finance drafts; a municipality's finance sees what it is invoiced.
 */
export function InvoicesPage() {
  const [period, setPeriod] = useState('');
  const [status, setStatus] = useState<InvoiceStatus | ''>('');
  const filter = useMemo<InvoiceFilter>(
    () => ({
      period: period || undefined,
      status: status || undefined,
    }),
    [period, status],
  );
  const [invoices, reload] = useQuery({
    query: ConsoleInvoicesDocument,
    variables: { filter, first: PAGE },
  });
  const rows = invoices.data?.invoices.edges.map((edge) => edge.node) ?? [];
  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">
        Invoice bases <span lang="sv">(faktureringsunderlag)</span>
      </h1>
      <DraftForm
        debtors={rows.flatMap((row) => (row.debtor ? [row.debtor] : []))}
        onDrafted={() => reload()}
      />
      <h2>Invoices</h2>
      <div className="filters__row">
        <InputField
          label="Month"
          type="month"
          value={period}
          onChange={(event) => setPeriod(event.target.value)}
        />
        <SelectField
          label="Status"
          value={status}
          onChange={(event) => setStatus(event.target.value as InvoiceStatus | '')}
        >
          <option value="">Any</option>
          <option value="DRAFT">{STATUS_LABELS.DRAFT}</option>
          <option value="APPROVED">{STATUS_LABELS.APPROVED}</option>
          <option value="SENT">{STATUS_LABELS.SENT}</option>
        </SelectField>
      </div>
      <ErrorNotice error={invoices.error ?? null} />
      {invoices.data ? (
        <p className="progress" aria-live="polite">
          {rows.length} of {invoices.data.invoices.totalCount} invoices
        </p>
      ) : null}
      {invoices.data && rows.length === 0 ? (
        <p className="hint" data-testid="no-invoices">
          No invoices match.
        </p>
      ) : null}
      {rows.length > 0 ? (
        <table className="plain" data-testid="invoices-table">
          <caption className="visually-hidden">Invoices, latest month first</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Municipality or district</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col" className="amount">
                Total
              </th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((invoice) => (
              <tr key={invoice.id}>
                <td>
                  {invoice.period}
                  {invoice.correction ? ` (correction ${invoice.correction})` : ''}
                </td>
                <td>{invoice.debtor?.name ?? '–'}</td>
                <td>
                  {invoice.kind === 'COST_SHARING' ? 'Cost sharing' : 'Payment responsibility'}
                </td>
                <td>{invoice.status ? STATUS_LABELS[invoice.status] : '–'}</td>
                <td className="amount">{formatKronor(invoice.totalAmount)}</td>
                <td>
                  <Link
                    to={`/finance/invoices/${encodeURIComponent(invoice.id)}`}
                    aria-label={`Open the invoice of ${invoice.debtor?.name ?? ''} for ${invoice.period}`}
                  >
                    Open
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** Municipalities and districts the region invoices: from its statistics and its invoices. */
function useDebtorChoices(debtors: readonly { id: string; name: string }[]) {
  const month = previousMonth(stockholmToday());
  const [statistics] = useQuery({
    query: ConsolePaymentStatisticsDocument,
    variables: { input: { from: monthsBefore(month, 23), to: month } },
  });
  const result = statistics.data?.paymentStatistics;
  const choices = new Map<string, string>();
  if (result?.__typename === 'PaymentStatisticsSuccess') {
    for (const series of result.data.series)
      choices.set(series.municipalityId, series.municipalityName);
  }
  for (const debtor of debtors) choices.set(debtor.id, debtor.name);
  return [...choices].sort((a, b) => a[1].localeCompare(b[1], 'sv'));
}

function DraftForm({
  debtors,
  onDrafted,
}: {
  debtors: readonly { id: string; name: string }[];
  onDrafted: () => void;
}) {
  const choices = useDebtorChoices(debtors);
  const [month, setMonth] = useState(previousMonth(stockholmToday()));
  const [municipalityId, setMunicipalityId] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [state, draft] = useMutation(ConsoleDraftInvoiceBasisDocument);
  const navigate = useNavigate();
  const chosen = municipalityId || choices[0]?.[0] || '';
  return (
    <form
      className="filters"
      aria-label="Draft an invoice basis"
      onSubmit={async (event) => {
        event.preventDefault();
        setRefusal(null);
        const result = await draft({ input: { month, municipalityId: chosen } });
        const answer = result.data?.draftInvoiceBasis;
        if (answer?.__typename === 'InvoicingError') setRefusal(answer);
        else if (answer?.__typename === 'DraftInvoiceBasisSuccess') {
          onDrafted();
          navigate(`/finance/invoices/${encodeURIComponent(answer.data.invoice.id)}`, {
            state: {
              drafted: `Drafted: ${answer.data.linesCharged} lines charged, ${answer.data.linesCredited} credited, ${answer.data.linesUnchanged} unchanged.`,
            },
          });
        }
      }}
    >
      <h2>
        Draft or update a month <span lang="sv">(upprätta underlag)</span>
      </h2>
      <div className="filters__row">
        <InputField
          label="Month"
          type="month"
          value={month}
          onChange={(event) => setMonth(event.target.value)}
        />
        <SelectField
          label="Municipality or district"
          value={chosen}
          onChange={(event) => setMunicipalityId(event.target.value)}
        >
          {choices.map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
        </SelectField>
        <div className="filters__actions">
          <button type="submit" className="button" disabled={state.fetching || chosen === ''}>
            Draft invoice basis
          </button>
        </div>
      </div>
      <RefusalNotice refusal={refusal} />
      <ErrorNotice error={state.error ?? null} />
    </form>
  );
}
