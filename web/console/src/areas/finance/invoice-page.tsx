import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import {
  ConsoleApproveInvoiceDocument,
  ConsoleCreditInvoiceLineDocument,
  ConsoleInvoiceCsvDocument,
  ConsoleInvoiceDocument,
  ConsoleInvoiceHtmlDocument,
  type ConsoleInvoiceLineFragment,
  ConsoleMarkInvoiceSentDocument,
} from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { TextAreaField } from '../../ui/field.js';
import { type Refusal, RefusalNotice } from '../../ui/refusal-notice.js';
import { formatStockholm } from '../../ui/time.js';
import { downloadText } from './download.js';
import { formatKronor, STATUS_LABELS } from './format.js';

/**
 * One invoice basis: its lines and the days behind each (with the rule and the case events
 * that make a day payable), and what may be done with it: approve (attestera) a draft once
 * the month has ended, mark an approved one sent, credit a charge line with a reason, save
 * the API's printable HTML or CSV, or open the printable page.
 */
export function InvoicePage() {
  const { invoiceId = '' } = useParams();
  const location = useLocation();
  const drafted = (location.state as { drafted?: string } | null)?.drafted ?? null;
  const [result, reload] = useQuery({
    query: ConsoleInvoiceDocument,
    variables: { id: invoiceId },
  });
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [done, setDone] = useState<string | null>(drafted);
  const [approveState, approve] = useMutation(ConsoleApproveInvoiceDocument);
  const [sendState, markSent] = useMutation(ConsoleMarkInvoiceSentDocument);
  const client = useClient();
  const invoice = result.data?.node?.__typename === 'Invoice' ? result.data.node : null;

  const act = async (action: 'approve' | 'send') => {
    setRefusal(null);
    setDone(null);
    if (action === 'approve') {
      const answer = (await approve({ input: { invoiceId } })).data?.approveInvoice;
      if (answer?.__typename === 'InvoicingError') setRefusal(answer);
      else if (answer) setDone('Approved (attesterad): the content is frozen from now on.');
    } else {
      const answer = (await markSent({ input: { invoiceId } })).data?.markInvoiceSent;
      if (answer?.__typename === 'InvoicingError') setRefusal(answer);
      else if (answer) setDone('Marked as sent.');
    }
    reload();
  };
  const save = async (format: 'html' | 'csv') => {
    setRefusal(null);
    const name = `faktureringsunderlag-${invoice?.period ?? ''}-${invoice?.debtor?.hsaId ?? ''}`;
    if (format === 'html') {
      const answer = (await client.query(ConsoleInvoiceHtmlDocument, { id: invoiceId }).toPromise())
        .data?.invoiceHtml;
      if (answer?.__typename === 'InvoicingError') setRefusal(answer);
      else if (answer) downloadText(answer.data, `${name}.html`, 'text/html;charset=utf-8');
    } else {
      const answer = (await client.query(ConsoleInvoiceCsvDocument, { id: invoiceId }).toPromise())
        .data?.invoiceCsv;
      if (answer?.__typename === 'InvoicingError') setRefusal(answer);
      else if (answer) downloadText(answer.data, `${name}.csv`, 'text/csv;charset=utf-8');
    }
  };

  return (
    <section aria-labelledby="invoice-title">
      <p className="no-print">
        <Link to="/finance">← All invoices</Link>
      </p>
      <ErrorNotice error={result.error ?? null} />
      {result.data && !invoice ? <p className="hint">No such invoice.</p> : null}
      {invoice ? (
        <>
          <h1 id="invoice-title">
            Invoice basis {invoice.period}, {invoice.debtor?.name}
          </h1>
          <dl className="facts">
            <dt>Status</dt>
            <dd data-testid="invoice-status">
              {invoice.status ? STATUS_LABELS[invoice.status] : '–'}
            </dd>
            <dt>From</dt>
            <dd>{invoice.creditor?.name ?? '–'}</dd>
            <dt>To</dt>
            <dd>
              {invoice.debtor?.name} ({invoice.debtor?.hsaId})
            </dd>
            <dt>Total</dt>
            <dd data-testid="invoice-total">{formatKronor(invoice.totalAmount)}</dd>
            <dt>Approved</dt>
            <dd>{invoice.approvedAt ? formatStockholm(invoice.approvedAt) : '–'}</dd>
            <dt>Sent</dt>
            <dd>{invoice.sentAt ? formatStockholm(invoice.sentAt) : '–'}</dd>
          </dl>
          <div className="actions">
            {invoice.status === 'DRAFT' ? (
              <button
                type="button"
                className="button"
                disabled={approveState.fetching}
                onClick={() => act('approve')}
              >
                Approve <span lang="sv">(attestera)</span>
              </button>
            ) : null}
            {invoice.status === 'APPROVED' ? (
              <button
                type="button"
                className="button"
                disabled={sendState.fetching}
                onClick={() => act('send')}
              >
                Mark as sent
              </button>
            ) : null}
            <Link
              className="button"
              to={`/finance/invoices/${encodeURIComponent(invoiceId)}/print`}
            >
              Printable invoice
            </Link>
            <button type="button" className="button--quiet" onClick={() => save('html')}>
              Save as HTML
            </button>
            <button type="button" className="button--quiet" onClick={() => save('csv')}>
              Save as CSV
            </button>
          </div>
          <RefusalNotice refusal={refusal} />
          <ErrorNotice error={approveState.error ?? sendState.error ?? null} />
          {done ? (
            <div className="notice notice--ok" role="status">
              <p>{done}</p>
            </div>
          ) : null}
          <h2>Lines</h2>
          {(invoice.lines ?? []).length === 0 ? (
            <p className="hint">No lines: nothing payable this month.</p>
          ) : (
            <table className="plain" data-testid="invoice-lines">
              <caption className="visually-hidden">Lines with the days behind each</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Line</th>
                  <th scope="col">Days</th>
                  <th scope="col" className="amount">
                    Per day
                  </th>
                  <th scope="col" className="amount">
                    Amount
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Credit</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(invoice.lines ?? []).map((line) => (
                  <LineRow
                    key={line.id}
                    line={line}
                    canCredit={line.kind === 'CHARGE'}
                    onCredited={(message) => {
                      setDone(message);
                      reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}

function LineRow({
  line,
  canCredit,
  onCredited,
}: {
  line: ConsoleInvoiceLineFragment;
  canCredit: boolean;
  onCredited: (message: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [crediting, setCrediting] = useState(false);
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [state, credit] = useMutation(ConsoleCreditInvoiceLineDocument);
  const days = line.payableDays ?? [];
  return (
    <tr data-testid="invoice-line">
      <td>{line.position}</td>
      <td>
        {line.kind === 'CREDIT' ? <strong>Credit: </strong> : null}
        {line.description}
        {days.length > 0 ? (
          <>
            {' '}
            <button
              type="button"
              className="button--small"
              aria-expanded={open}
              onClick={() => setOpen(!open)}
            >
              {open ? 'Hide days' : `Show ${days.length} days`}
            </button>
            {open ? (
              <ol className="line-days" data-testid="line-days">
                {days.map((day) => (
                  <li key={day.date}>
                    <time dateTime={day.date}>{day.date}</time>: {day.reason}
                    {day.eventIds.length > 0 ? ` (${day.eventIds.length} case events)` : ''}
                  </li>
                ))}
              </ol>
            ) : null}
          </>
        ) : null}
        {crediting ? (
          <form
            aria-label={`Credit line ${line.position}`}
            onSubmit={async (event) => {
              event.preventDefault();
              setRefusal(null);
              const answer = (await credit({ input: { lineId: line.id, reason } })).data
                ?.creditInvoiceLine;
              if (answer?.__typename === 'InvoicingError') setRefusal(answer);
              else if (answer?.__typename === 'CreditInvoiceLineSuccess') {
                setCrediting(false);
                onCredited(
                  `Line ${line.position} credited on the invoice for ${answer.data.period}.`,
                );
              }
            }}
          >
            <TextAreaField
              label="Why the line is credited"
              rows={2}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
            <RefusalNotice refusal={refusal} />
            <ErrorNotice error={state.error ?? null} />
            <button type="submit" className="button" disabled={state.fetching}>
              Credit the line
            </button>{' '}
            <button type="button" className="button--quiet" onClick={() => setCrediting(false)}>
              Cancel
            </button>
          </form>
        ) : null}
      </td>
      <td>{line.days ?? '–'}</td>
      <td className="amount">{formatKronor(line.pricePerDay)}</td>
      <td className="amount">{formatKronor(line.amount)}</td>
      <td>
        {canCredit && !crediting ? (
          <button
            type="button"
            className="button--small"
            aria-label={`Credit line ${line.position}…`}
            onClick={() => setCrediting(true)}
          >
            Credit…
          </button>
        ) : null}
      </td>
    </tr>
  );
}
