import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section aria-labelledby="not-found-title" className="card">
      <h1 id="not-found-title">No such page</h1>
      <p>The console has no page at this address.</p>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </section>
  );
}
