import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ConsoleInvoiceDocument } from '../../generated/graphql.js';
import { ErrorNotice } from '../../ui/error-notice.js';
import { formatStockholm } from '../../ui/time.js';
import { formatKronor, STATUS_LABELS } from './format.js';

/**
 * The printable invoice basis, drawn by the console from the same lines as the invoice page,
 * with print CSS that leaves out the console's chrome (finance.css). The API's own HTML
 * (invoiceHtml) carries an inline stylesheet the console's CSP does not allow, so it is
 * offered as a file to save rather than shown here.
 */
export function PrintPage() {
  const { invoiceId = '' } = useParams();
  const [result] = useQuery({ query: ConsoleInvoiceDocument, variables: { id: invoiceId } });
  const invoice = result.data?.node?.__typename === 'Invoice' ? result.data.node : null;
  return (
    <article className="printable" aria-labelledby="print-title" data-testid="printable-invoice">
      <p className="no-print">
        <Link to={`/finance/invoices/${encodeURIComponent(invoiceId)}`}>← Back to the invoice</Link>{' '}
        <button type="button" className="button" onClick={() => window.print()}>
          Print
        </button>
      </p>
      <ErrorNotice error={result.error ?? null} />
      {invoice ? (
        <>
          <h1 id="print-title">
            Faktureringsunderlag <span className="visually-hidden">(invoice basis)</span>{' '}
            {invoice.period}
          </h1>
          <p>
            Betalningsansvar enligt lagen (2017:612) om samverkan vid utskrivning från sluten hälso-
            och sjukvård.
          </p>
          <dl className="facts">
            <dt>Avsändare (from)</dt>
            <dd>{invoice.creditor?.name}</dd>
            <dt>Mottagare (to)</dt>
            <dd>
              {invoice.debtor?.name} ({invoice.debtor?.hsaId})
            </dd>
            <dt>Status</dt>
            <dd>{invoice.status ? STATUS_LABELS[invoice.status] : '–'}</dd>
            <dt>Attesterad (approved)</dt>
            <dd>{invoice.approvedAt ? formatStockholm(invoice.approvedAt) : '–'}</dd>
          </dl>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Beskrivning</th>
                <th scope="col">Dagar</th>
                <th scope="col" className="amount">
                  Pris/dag
                </th>
                <th scope="col" className="amount">
                  Belopp
                </th>
              </tr>
            </thead>
            <tbody>
              {(invoice.lines ?? []).map((line) => (
                <tr key={line.id}>
                  <td>{line.position}</td>
                  <td>
                    {line.kind === 'CREDIT' ? 'Kredit: ' : ''}
                    {line.description}
                    {(line.payableDays ?? []).length > 0 ? (
                      <ul className="line-days">
                        {(line.payableDays ?? []).map((day) => (
                          <li key={day.date}>
                            {day.date}: {day.reason}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>{line.days ?? '–'}</td>
                  <td className="amount">{formatKronor(line.pricePerDay)}</td>
                  <td className="amount">{formatKronor(line.amount)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td colSpan={4}>Summa (total)</td>
                <td className="amount" data-testid="print-total">
                  {formatKronor(invoice.totalAmount)}
                </td>
              </tr>
            </tfoot>
          </table>
        </>
      ) : null}
    </article>
  );
}
