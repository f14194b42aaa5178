import { NavLink, Route, Routes } from 'react-router';
import './finance.css';
import { InvoicePage } from './invoice-page.js';
import { InvoicesPage } from './invoices-page.js';
import { PrintPage } from './print-page.js';
import { StatisticsPage } from './statistics-page.js';

/**
 * The finance officer's area (ekonomi): invoice bases per month and municipality or district,
 * their lines and days, approval, sending, credits, the printable invoice and CSV, and the
 * payment statistics. Links are absolute below the /console basename (see retention/index).
 */
export default function FinanceArea() {
  return (
    <div className="area">
      <nav className="tabs" aria-label="Invoices">
        <NavLink to="/finance" end>
          Invoices <span lang="sv">(fakturaunderlag)</span>
        </NavLink>
        <NavLink to="/finance/statistics">
          Statistics <span lang="sv">(statistik)</span>
        </NavLink>
      </nav>
      <Routes>
        <Route index element={<InvoicesPage />} />
        <Route path="invoices/:invoiceId" element={<InvoicePage />} />
        <Route path="invoices/:invoiceId/print" element={<PrintPage />} />
        <Route path="statistics" element={<StatisticsPage />} />
      </Routes>
    </div>
  );
}
